//! Networks declared with `network!` that several test binaries share,
//! each with the runtime geometry it corresponds to.

#![allow(dead_code)]

use mlp::Activation::{self, Relu, Sigmoid, Softmax, Tanh};

mlp::network! {
    /// The log-linear model of exercise 6.1: a softmax layer alone.
    #[derive(Debug, Clone, PartialEq)]
    pub struct LogLinear {
        input: dynamic,
        output: softmax(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// The lab's network: a sigmoid hidden layer and a softmax output.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Lab {
        input: dynamic,
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// A tanh hidden layer and three classes.
    #[derive(Debug, Clone, PartialEq)]
    pub struct TanhNet {
        input: 7,
        hidden: tanh(5),
        output: softmax(3),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// Three hidden layers with different activations.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Deep {
        input: 8,
        first: sigmoid(7),
        second: tanh(6),
        third: relu(5),
        output: softmax(3),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// One sigmoid output unit trained on the binary cross-entropy.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Binary {
        input: 6,
        hidden: tanh(4),
        output: sigmoid(1),
        cost: binary_cross_entropy,
    }
}

mlp::network! {
    /// An identity output trained on the squared error to one-hot targets.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Squared {
        input: 6,
        hidden: sigmoid(5),
        output: identity(3),
        cost: squared_error,
    }
}

/// Returns the geometry of `Lab` for `inputs` features.
pub fn lab_geometry(inputs: usize) -> (Vec<usize>, Vec<Activation>) {
    (vec![inputs, 20, 2], vec![Sigmoid, Softmax])
}

pub const TANH_GEOMETRY: ([usize; 3], [Activation; 2]) = ([7, 5, 3], [Tanh, Softmax]);

pub const DEEP_GEOMETRY: ([usize; 5], [Activation; 4]) =
    ([8, 7, 6, 5, 3], [Sigmoid, Tanh, Relu, Softmax]);
