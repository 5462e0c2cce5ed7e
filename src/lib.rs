//! Neural networks whose graph is compiled by rustc.
//!
//! This crate is the facade of the project: it re-exports the runtime
//! (corpus reader, minibatches, SGD, metrics and the runtime-geometry MLP).

pub use mlp_runtime::*;

#[cfg(feature = "download")]
pub mod download;
#[cfg(feature = "plot")]
pub mod plot;
