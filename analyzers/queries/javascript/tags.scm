; JavaScript definitions: functions, classes, methods, functions bound to names, top-level variables.
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(class_declaration name: (identifier) @name) @def.class
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @def.function
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(program [(lexical_declaration (variable_declarator name: (identifier) @name) @def.variable)
          (variable_declaration (variable_declarator name: (identifier) @name) @def.variable)
          (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @def.variable))])

(class_heritage [(identifier) (member_expression)] @base)
(call_expression function: [(identifier) (member_expression)] @callee)
(new_expression constructor: [(identifier) (member_expression)] @callee)
(import_statement) @import
(export_statement source: (string)) @import
(variable_declarator value: (call_expression function: (identifier) @_require (#eq? @_require "require") arguments: (arguments (string)))) @import

; Local types: `const x = new Class()` lets `x.method()` resolve to Class.method.
(variable_declarator name: (identifier) @local.var value: (new_expression constructor: [(identifier) (member_expression)] @local.type))
; `this.x = new Class()` lets `this.x.method()` resolve anywhere in the class.
(assignment_expression left: (member_expression object: (this) @local.self property: (property_identifier) @local.var) right: (new_expression constructor: [(identifier) (member_expression)] @local.type))
