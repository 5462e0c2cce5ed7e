//! Backpropagation in networks compiled by `network!` against central
//! finite differences of their cost.

mod common;
mod networks;

use mlp::{Inputs, Network};

use common::{max_gradient_error, random_batch, random_labels, to_csr};
use networks::{Binary, Deep, Lab, LogLinear, Squared, TanhNet};

fn check<N: Network<f64>>(mut net: N, name: &str) {
    let x = random_batch(7, net.input_width(), 1);
    let y = random_labels(7, net.classes(), 2);

    let dense = max_gradient_error(&mut net, Inputs::Dense(x.view()), &y);
    assert!(dense < 1e-6, "dense {name}: relative error {dense:e}");

    let sparse_x = to_csr(&x);
    let sparse = max_gradient_error(&mut net, Inputs::Sparse(sparse_x.view()), &y);
    assert!(sparse < 1e-6, "sparse {name}: relative error {sparse:e}");
}

#[test]
fn log_linear() {
    check(LogLinear::new(6, 42).unwrap(), "LogLinear");
}

#[test]
fn sigmoid_hidden_layer() {
    check(Lab::new(6, 42).unwrap(), "Lab");
}

#[test]
fn tanh_hidden_layer() {
    check(TanhNet::new(42), "TanhNet");
}

#[test]
fn three_hidden_layers() {
    check(Deep::new(42), "Deep");
}

#[test]
fn binary_cross_entropy() {
    check(Binary::new(42), "Binary");
}

#[test]
fn squared_error() {
    check(Squared::new(42), "Squared");
}
