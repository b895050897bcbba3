; File-scope items of a C file; analyzers/c_units.py keeps those not nested in a function.
(function_definition) @function
(declaration) @declaration
(type_definition) @typedef
(struct_specifier name: (type_identifier) body: (field_declaration_list)) @struct
(union_specifier name: (type_identifier) body: (field_declaration_list)) @union
(enum_specifier name: (type_identifier) body: (enumerator_list)) @enum
(preproc_def) @macro
(preproc_function_def) @macro
(preproc_include path: (_) @include)
