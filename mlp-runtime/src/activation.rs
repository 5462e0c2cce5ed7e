//! Activation functions of layers.

use std::fmt;
use std::str::FromStr;

/// The non-linearity a layer applies to its logits.
///
/// An activation parses from its lower-case name, as in the lab's
/// `actvfunc` lists:
///
/// ```
/// use mlp_runtime::Activation;
///
/// assert_eq!("sigmoid".parse::<Activation>()?, Activation::Sigmoid);
/// assert_eq!(Activation::Softmax.name(), "softmax");
/// assert!("sigmod".parse::<Activation>().is_err());
/// # Ok::<(), mlp_runtime::activation::UnknownActivation>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Activation {
    /// The logistic sigmoid 1 / (1 + e^−z).
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// The rectified linear unit max(z, 0).
    Relu,
    /// No non-linearity.
    Identity,
    /// The softmax over the classes of each example; output layers only.
    Softmax,
}

impl Activation {
    /// Every activation, in declaration order.
    pub const ALL: [Activation; 5] = [
        Activation::Sigmoid,
        Activation::Tanh,
        Activation::Relu,
        Activation::Identity,
        Activation::Softmax,
    ];

    /// Returns the lower-case name used in geometries, saved models and the
    /// command line.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Identity => "identity",
            Activation::Softmax => "softmax",
        }
    }

    /// Returns the factor the initial weights of a layer with this
    /// activation are multiplied by: 4 for sigmoid and softmax layers, as the
    /// lab does, else 1.
    pub fn init_scale(self) -> f64 {
        match self {
            Activation::Sigmoid | Activation::Softmax => 4.0,
            Activation::Tanh | Activation::Relu | Activation::Identity => 1.0,
        }
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An activation name that is not one of [`Activation::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activation {0:?}; expected one of sigmoid, tanh, relu, identity, softmax")]
pub struct UnknownActivation(pub String);

impl FromStr for Activation {
    type Err = UnknownActivation;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Activation::ALL
            .into_iter()
            .find(|activation| activation.name() == name)
            .ok_or_else(|| UnknownActivation(name.to_owned()))
    }
}
