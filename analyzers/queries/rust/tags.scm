; Rust definitions: functions, structs/enums/unions/traits (class kind), consts and statics.
; An impl block is a scope named by its type, so its functions become Type.method; `impl Trait for Type`
; records Trait as a base of Type.
(function_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.class
(enum_item name: (type_identifier) @name) @def.class
(union_item name: (type_identifier) @name) @def.class
(trait_item name: (type_identifier) @name) @def.class
(impl_item trait: [(type_identifier) (scoped_type_identifier) (generic_type)] @base
           type: [(type_identifier) @name (generic_type type: (type_identifier) @name)]) @scope
(impl_item !trait type: [(type_identifier) @name (generic_type type: (type_identifier) @name)]) @scope
(source_file (const_item name: (identifier) @name) @def.variable)
(source_file (static_item name: (identifier) @name) @def.variable)

(call_expression function: [(identifier) (scoped_identifier) (field_expression)] @callee)
(use_declaration) @import
(mod_item !body) @import
(type_identifier) @ref

; Local types: `let x = Type { ... }` lets `x.method()` resolve to Type::method.
(let_declaration pattern: (identifier) @local.var value: (struct_expression name: (type_identifier) @local.type))
(parameter pattern: (identifier) @local.var type: [(type_identifier) @local.type (reference_type type: (type_identifier) @local.type)])
