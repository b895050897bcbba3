; C++ definitions: free functions, methods (inline in a class or out of line as A::m), classes/structs/enums.
(function_definition declarator: (function_declarator declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)) @def.function
; A name made by a macro call, `FUNC_NAME(NAME)(void) {...}`: the macro's name, as ctags reports it.
(function_definition declarator: (function_declarator declarator: (function_declarator declarator: (identifier) @name))) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: [(identifier) (field_identifier)] @name))) @def.function
(function_definition declarator: (reference_declarator (function_declarator declarator: [(identifier) (field_identifier)] @name))) @def.function
(function_definition declarator: (function_declarator declarator: (qualified_identifier scope: (namespace_identifier) @receiver name: [(identifier) (destructor_name) (operator_name)] @name))) @def.function
(function_definition declarator: (operator_cast) @name) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (qualified_identifier scope: (namespace_identifier) @receiver name: (identifier) @name)))) @def.function
(class_specifier name: (type_identifier) @name body: (field_declaration_list)) @def.class
(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @def.class
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @def.class
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @def.class
(translation_unit (declaration declarator: (init_declarator declarator: (identifier) @name)) @def.variable)

(base_class_clause [(type_identifier) (qualified_identifier)] @base)
(call_expression function: [(identifier) (field_expression) (qualified_identifier)] @callee)
(new_expression type: (type_identifier) @callee)
(preproc_include) @import
(type_identifier) @ref

; Local types: `Class x(...)` or `Class x = ...` lets `x.method()` resolve to Class::method.
(declaration type: (type_identifier) @local.type declarator: [(identifier) @local.var (init_declarator declarator: (identifier) @local.var)])
(parameter_declaration type: (type_identifier) @local.type declarator: [(identifier) @local.var (reference_declarator (identifier) @local.var) (pointer_declarator declarator: (identifier) @local.var)])
