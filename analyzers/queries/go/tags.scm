; Go definitions: functions, methods (named Receiver.method; @receiver.var is the receiver's variable, so
; `c.Area()` inside a method of *Circle resolves like `self.Area()`), types, package-level vars and consts.
(function_declaration name: (identifier) @name) @def.function
(method_declaration
  receiver: (parameter_list (parameter_declaration name: (identifier)? @receiver.var type: [(type_identifier) @receiver
                                                          (pointer_type (type_identifier) @receiver)
                                                          (generic_type type: (type_identifier) @receiver)
                                                          (pointer_type (generic_type type: (type_identifier) @receiver))]))
  name: (field_identifier) @name) @def.function
(type_declaration (type_spec name: (type_identifier) @name) @def.class)
(source_file (var_declaration (var_spec name: (identifier) @name) @def.variable))
(source_file (const_declaration (const_spec name: (identifier) @name) @def.variable))

; Embedded struct fields and interfaces act as bases.
(field_declaration_list (field_declaration !name type: [(type_identifier) (qualified_type)] @base))
(call_expression function: [(identifier) (selector_expression)] @callee)
(import_declaration) @import
(type_identifier) @ref

; Local types: `x := pkg.Type{...}` lets `x.Method()` resolve to Type.Method.
(short_var_declaration left: (expression_list . (identifier) @local.var) right: (expression_list . (composite_literal type: [(type_identifier) (qualified_type)] @local.type)))
(short_var_declaration left: (expression_list . (identifier) @local.var) right: (expression_list . (unary_expression operand: (composite_literal type: [(type_identifier) (qualified_type)] @local.type))))
(parameter_declaration name: (identifier) @local.var type: [(type_identifier) (qualified_type) (pointer_type [(type_identifier) (qualified_type)])] @local.type)
