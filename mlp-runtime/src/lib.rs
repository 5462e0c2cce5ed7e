//! Runtime of the `mlp` crate: the corpus reader, datasets and minibatches,
//! the SGD trainer, metrics, and a runtime-geometry multilayer perceptron
//! that the networks compiled by `network!` are checked and timed against.
//!
//! Users depend on the `mlp` crate, which re-exports this one.

#![warn(missing_docs)]

pub mod activation;
pub mod batch;
pub mod corpus;
pub mod error;
pub mod float;
pub mod kernels;
pub mod metrics;
pub mod mlp;
pub mod model;
pub mod network;
pub mod ops;
pub mod progress;
pub mod rng;
pub mod sparse;
pub mod train;

pub use activation::Activation;
pub use batch::{Batch, Dataset, Inputs, Matrix};
pub use error::{Error, Result};
pub use float::Float;
pub use metrics::Evaluation;
pub use mlp::Mlp;
pub use network::{Architecture, Cost, Network, ParameterGradients};
pub use sparse::{Csr, CsrView};
pub use train::{EpochRecord, Observer, Sgd, Unfused};
