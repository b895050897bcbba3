"""C-to-Rust migration: equivalence checking, the translation loop, and its crate and metrics."""
