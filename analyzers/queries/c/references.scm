; What one C unit refers to. Captured by name; analyzers/c_units.py resolves them against the project.
; Direct calls: the callee is an identifier.
(call_expression function: (identifier) @call)

; Every identifier: functions used as values (function pointers), globals, enumerators, object-like macros.
(identifier) @ident

; Typedef names used as types.
(type_identifier) @type

; struct/union/enum tags (the tag namespace, separate from ordinary names).
(struct_specifier name: (type_identifier) @tag.struct)
(union_specifier name: (type_identifier) @tag.union)
(enum_specifier name: (type_identifier) @tag.enum)

; Macro names tested by #ifdef / #if defined(...) inside a unit.
(preproc_ifdef name: (identifier) @ident)
(preproc_defined (identifier) @ident)
