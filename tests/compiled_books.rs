//! The lab's network compiled by `network!`, trained on the books corpus
//! three ways from the same initial weights, as exercise 6.7 does: the
//! runtime MLP, the compiled gradients with the update outside, and the
//! compiled fused step. All three reach the lab's accuracies.

mod common;
mod networks;

use mlp::metrics::evaluate;
use mlp::train::Unfused;
use mlp::{Dataset, Mlp, Network, Sgd};

use networks::Lab;

const SEED: u32 = 1234;

/// Returns the train and test accuracies of `net`.
fn accuracies(net: &impl Network<f64>, train: &Dataset<f64>, test: &Dataset<f64>) -> (f64, f64) {
    let train = evaluate(net, train).unwrap().accuracy;
    let test = evaluate(net, test).unwrap().accuracy;
    (train, test)
}

/// Asserts that every parameter of `actual` is within `tolerance` of the
/// runtime network's, relative to the largest magnitude of that parameter.
fn assert_parameters_close(actual: &impl Network<f64>, expected: &Mlp<f64>, tolerance: f64) {
    for name in expected.parameter_names() {
        let expected = expected.parameter(&name).unwrap();
        let actual = actual.parameter(&name).unwrap();
        let scale = expected.iter().fold(0.0f64, |max, v| max.max(v.abs()));
        let difference = actual
            .iter()
            .zip(&expected)
            .fold(0.0f64, |max, (a, b)| max.max((a - b).abs()));
        assert!(
            difference <= tolerance * scale,
            "{name}: max difference {difference:e} exceeds {tolerance:e} × {scale:e}"
        );
    }
}

#[test]
fn three_variants_reach_lab_accuracies() {
    let corpus = common::books();
    let train = corpus.train::<f64>();
    let test = corpus.test::<f64>();
    let inputs = corpus.n_features();
    let sgd = Sgd::new(2, 5, 0.05).unwrap();

    let (geometry, activations) = networks::lab_geometry(inputs);
    let mut runtime = Mlp::new(&geometry, &activations, SEED).unwrap();
    sgd.train(&mut runtime, &train, None, &mut ()).unwrap();

    let mut unfused = Lab::<f64>::new(inputs, SEED).unwrap();
    sgd.train(&mut Unfused(&mut unfused), &train, None, &mut ())
        .unwrap();

    let mut fused = Lab::<f64>::new(inputs, SEED).unwrap();
    sgd.train(&mut fused, &train, None, &mut ()).unwrap();

    assert_eq!(accuracies(&runtime, &train, &test), (0.954375, 0.7475));
    assert_eq!(accuracies(&unfused, &train, &test), (0.954375, 0.7475));
    assert_eq!(accuracies(&fused, &train, &test), (0.954375, 0.7475));

    assert_parameters_close(&unfused, &runtime, 1e-9);
    assert_parameters_close(&fused, &runtime, 1e-9);
    assert_eq!(
        fused, unfused,
        "the fused step has the bits of the unfused one"
    );
}

#[test]
fn fused_dense_and_sparse_agree() {
    let corpus = common::books();
    let sparse = corpus.train::<f64>();
    let dense = sparse.to_dense();
    let inputs = corpus.n_features();
    for batch_size in [5, 128] {
        let sgd = Sgd::new(1, batch_size, 0.05).unwrap();
        let mut from_sparse = Lab::<f64>::new(inputs, SEED).unwrap();
        sgd.train(&mut from_sparse, &sparse, None, &mut ()).unwrap();
        let mut from_dense = Lab::<f64>::new(inputs, SEED).unwrap();
        sgd.train(&mut from_dense, &dense, None, &mut ()).unwrap();
        assert_eq!(
            from_sparse, from_dense,
            "batch size {batch_size}: the sparse step has the bits of the dense one"
        );
    }
}
