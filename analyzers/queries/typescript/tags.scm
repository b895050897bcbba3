; TypeScript (and TSX) definitions: as JavaScript, plus interfaces, type aliases, enums and abstract classes.
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(class_declaration name: (type_identifier) @name) @def.class
(abstract_class_declaration name: (type_identifier) @name) @def.class
(interface_declaration name: (type_identifier) @name) @def.class
(type_alias_declaration name: (type_identifier) @name) @def.class
(enum_declaration name: (identifier) @name) @def.class
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @def.function
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(program [(lexical_declaration (variable_declarator name: (identifier) @name) @def.variable)
          (variable_declaration (variable_declarator name: (identifier) @name) @def.variable)
          (export_statement declaration: (lexical_declaration (variable_declarator name: (identifier) @name) @def.variable))])

(extends_clause value: [(identifier) (member_expression)] @base)
(implements_clause [(type_identifier) (generic_type)] @base)
(extends_type_clause type: [(type_identifier) (generic_type)] @base)
(call_expression function: [(identifier) (member_expression)] @callee)
(new_expression constructor: [(identifier) (member_expression)] @callee)
(import_statement) @import
(export_statement source: (string)) @import
(variable_declarator value: (call_expression function: (identifier) @_require (#eq? @_require "require") arguments: (arguments (string)))) @import
(type_identifier) @ref

; Local types: `const x = new Class()` or `x: Class` let `x.method()` resolve to Class.method.
(variable_declarator name: (identifier) @local.var value: (new_expression constructor: [(identifier) (member_expression)] @local.type))
(variable_declarator name: (identifier) @local.var type: (type_annotation (type_identifier) @local.type))
(required_parameter pattern: (identifier) @local.var type: (type_annotation (type_identifier) @local.type))
(optional_parameter pattern: (identifier) @local.var type: (type_annotation (type_identifier) @local.type))
(assignment_expression left: (member_expression object: (this) @local.self property: (property_identifier) @local.var) right: (new_expression constructor: [(identifier) (member_expression)] @local.type))
(public_field_definition name: (property_identifier) @local.var type: (type_annotation (type_identifier) @local.type))
