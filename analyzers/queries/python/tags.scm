; Definitions: @def.<kind> is the whole definition, @name its identifier.
(class_definition name: (identifier) @name) @def.class
(function_definition name: (identifier) @name) @def.function
(module (expression_statement (assignment left: (identifier) @name)) @def.variable)

; Base classes of a class (attached to the innermost enclosing class).
(class_definition superclasses: (argument_list [(identifier) (attribute)] @base))

; Calls: @callee is the called expression (a name or a dotted attribute chain).
(call function: [(identifier) (attribute)] @callee) @call

; Imports, parsed from their text.
(import_statement) @import
(import_from_statement) @import

; References: capitalised names (classes, constants) and names used in type annotations.
((identifier) @ref (#match? @ref "^[A-Z]"))
(type (identifier) @ref)
