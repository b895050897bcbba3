; Java definitions: classes, interfaces, enums, records, methods and constructors.
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.class
(enum_declaration name: (identifier) @name) @def.class
(record_declaration name: (identifier) @name) @def.class
(method_declaration name: (identifier) @name) @def.function
(constructor_declaration name: (identifier) @name) @def.function

(superclass (type_identifier) @base)
(super_interfaces (type_list (type_identifier) @base))
(extends_interfaces (type_list (type_identifier) @base))
; A method call is object.name; @callee.object is optional.
(method_invocation object: (_) @callee.object name: (identifier) @callee.name)
(method_invocation !object name: (identifier) @callee.name)
(object_creation_expression type: (type_identifier) @callee)
(import_declaration) @import
(type_identifier) @ref

; Local types: `Class x = ...` lets `x.method()` resolve to Class.method.
(local_variable_declaration type: (type_identifier) @local.type declarator: (variable_declarator name: (identifier) @local.var))
(formal_parameter type: (type_identifier) @local.type name: (identifier) @local.var)
; Fields: `Class x;` in a class lets `x.method()` and `this.x.method()` resolve in its methods.
(field_declaration type: (type_identifier) @local.type declarator: (variable_declarator name: (identifier) @local.var))
