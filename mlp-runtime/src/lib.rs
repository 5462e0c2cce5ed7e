//! Runtime of the `mlp` crate: the corpus reader, datasets and minibatches,
//! the SGD trainer, metrics, and a runtime-geometry multilayer perceptron
//! that the networks compiled by `network!` are checked and timed against.
//!
//! Users depend on the `mlp` crate, which re-exports this one.

pub mod batch;
pub mod corpus;
pub mod error;
pub mod float;
pub mod rng;
pub mod sparse;

pub use batch::{Batch, Dataset, Inputs, Matrix};
pub use error::{Error, Result};
pub use float::Float;
pub use sparse::{Csr, CsrView};
