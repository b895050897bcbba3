; Safety-relevant constructs of Rust code, counted by analyzers/rust_metrics.py.
(unsafe_block) @unsafe.block
(function_item (function_modifiers "unsafe") name: (identifier) @unsafe.function)
(static_item (mutable_specifier) name: (identifier) @static_mut)
(unary_expression "*" (_) @deref)
(pointer_type) @raw_pointer_type
