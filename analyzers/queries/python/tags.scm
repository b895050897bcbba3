; Definitions: @def.<kind> is the whole definition, @name its identifier.
(class_definition name: (identifier) @name) @def.class
(function_definition name: (identifier) @name) @def.function
; A lambda bound to a name is a function of that name (as ctags counts it).
(assignment left: (identifier) @name right: (lambda)) @def.function
(module (expression_statement (assignment left: (identifier) @name)) @def.variable)
; Module-level assignments under if/elif/else, try/except/else and with (a redefinition gets a #N suffix).
(module (if_statement consequence: (block (expression_statement (assignment left: (identifier) @name)) @def.variable)))
(module (if_statement alternative: (else_clause body: (block (expression_statement (assignment left: (identifier) @name)) @def.variable))))
(module (if_statement alternative: (elif_clause consequence: (block (expression_statement (assignment left: (identifier) @name)) @def.variable))))
(module (try_statement body: (block (expression_statement (assignment left: (identifier) @name)) @def.variable)))
(module (try_statement (except_clause (block (expression_statement (assignment left: (identifier) @name)) @def.variable))))
(module (try_statement (else_clause body: (block (expression_statement (assignment left: (identifier) @name)) @def.variable))))
(module (with_statement body: (block (expression_statement (assignment left: (identifier) @name)) @def.variable)))

; Base classes of a class (attached to the innermost enclosing class).
(class_definition superclasses: (argument_list [(identifier) (attribute)] @base))

; Calls: @callee is the called expression (a name or a dotted attribute chain).
(call function: [(identifier) (attribute)] @callee)

; Imports, parsed from their text.
(import_statement) @import
(import_from_statement) @import

; References: names used in type annotations (capitalised names are found in parse.py).
(type (identifier) @ref)

; Local types: `x = Class(...)` lets `x.method()` resolve to Class.method.
(assignment left: (identifier) @local.var right: (call function: [(identifier) (attribute)] @local.type))
(typed_parameter (identifier) @local.var type: (type [(identifier) (attribute)] @local.type))
(typed_default_parameter name: (identifier) @local.var type: (type [(identifier) (attribute)] @local.type))
; `self.x = Class(...)` in a method lets `self.x.method()` resolve anywhere in the class.
(assignment left: (attribute object: (identifier) @local.self attribute: (identifier) @local.var) right: (call function: [(identifier) (attribute)] @local.type))
