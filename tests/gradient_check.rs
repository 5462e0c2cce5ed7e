//! Backpropagation in the runtime MLP against central finite differences.

mod common;

use mlp::{Activation, Inputs, Mlp};

use common::{max_gradient_error, random_batch, random_labels, to_csr};

fn check(geometry: &[usize], activations: &[Activation]) {
    let mut net = Mlp::<f64>::new(geometry, activations, 42).unwrap();
    let classes = *geometry.last().unwrap();
    let x = random_batch(7, geometry[0], 1);
    let y = random_labels(7, classes, 2);

    let dense = max_gradient_error(&mut net, Inputs::Dense(x.view()), &y);
    assert!(dense < 1e-6, "dense {geometry:?}: relative error {dense:e}");

    let sparse_x = to_csr(&x);
    let sparse = max_gradient_error(&mut net, Inputs::Sparse(sparse_x.view()), &y);
    assert!(
        sparse < 1e-6,
        "sparse {geometry:?}: relative error {sparse:e}"
    );
}

#[test]
fn log_linear() {
    check(&[6, 3], &[Activation::Softmax]);
}

#[test]
fn sigmoid_hidden_layer() {
    check(&[6, 5, 2], &[Activation::Sigmoid, Activation::Softmax]);
}

#[test]
fn tanh_hidden_layer() {
    check(&[6, 4, 3], &[Activation::Tanh, Activation::Softmax]);
}

#[test]
fn relu_hidden_layer() {
    check(&[6, 5, 3], &[Activation::Relu, Activation::Softmax]);
}

#[test]
fn three_hidden_layers() {
    use Activation::*;
    check(&[7, 6, 5, 4, 3], &[Sigmoid, Tanh, Relu, Softmax]);
}

#[test]
fn identity_hidden_layer() {
    check(&[5, 4, 2], &[Activation::Identity, Activation::Softmax]);
}
