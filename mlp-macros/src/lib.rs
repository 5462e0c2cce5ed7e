//! Procedural macros of the `mlp` crate. Use them through `mlp`, which
//! documents them.
