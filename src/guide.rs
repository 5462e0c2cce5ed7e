//! Guides that span several items.
//!
//! - [`numpy_theano`]: the lab's NumPy and Theano idioms beside their
//!   counterparts in this crate.

#[doc = include_str!("../docs/numpy-theano.md")]
pub mod numpy_theano {}
