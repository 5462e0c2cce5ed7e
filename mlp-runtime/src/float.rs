//! The floating-point types a network can compute in.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use ndarray::{LinalgScalar, ScalarOperand};

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A floating-point element type of weights, activations and gradients:
/// `f32` or `f64`.
///
/// Initial weights are always drawn in `f64` and rounded once, so an `f32`
/// network starts from the nearest `f32` values of the `f64` network's
/// weights.
pub trait Float:
    num_traits::Float
    + LinalgScalar
    + ScalarOperand
    + Sum
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Default
    + Debug
    + Display
    + Send
    + Sync
    + sealed::Sealed
    + crate::kernels::simd::Element
    + 'static
{
    /// The Rust name of the type, `"f32"` or `"f64"`, as stored in saved models.
    const NAME: &'static str;

    /// Rounds an `f64` to this type (the identity for `f64`).
    fn from_f64(value: f64) -> Self;

    /// Widens this value to `f64` exactly.
    fn as_f64(self) -> f64;
}

impl Float for f32 {
    const NAME: &'static str = "f32";

    #[inline]
    fn from_f64(value: f64) -> Self {
        value as f32
    }

    #[inline]
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Float for f64 {
    const NAME: &'static str = "f64";

    #[inline]
    fn from_f64(value: f64) -> Self {
        value
    }

    #[inline]
    fn as_f64(self) -> f64 {
        self
    }
}
