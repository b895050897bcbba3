; C definitions: functions with bodies (prototypes are not definitions), tagged structs/unions/enums,
; anonymous structs named by a typedef, and file-level variables.
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @def.function
; A name made by a macro call, `FUNC_NAME(NAME)(void) {...}`: the macro's name, as ctags reports it.
(function_definition declarator: (function_declarator declarator: (function_declarator declarator: (identifier) @name))) @def.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @def.function
(function_definition declarator: (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name)))) @def.function
(struct_specifier name: (type_identifier) @name body: (field_declaration_list)) @def.class
(union_specifier name: (type_identifier) @name body: (field_declaration_list)) @def.class
(enum_specifier name: (type_identifier) @name body: (enumerator_list)) @def.class
(type_definition type: (struct_specifier !name body: (field_declaration_list)) declarator: (type_identifier) @name) @def.class
(translation_unit (declaration declarator: (init_declarator declarator: (identifier) @name)) @def.variable)
(translation_unit (declaration declarator: (identifier) @name) @def.variable)

(call_expression function: [(identifier) (field_expression)] @callee)
(preproc_include) @import
(type_identifier) @ref
