use ndarray::{Array1, Array2, array};

use super::*;
use crate::activation::Activation;
use crate::ops;
use crate::rng::MersenneTwister;
use crate::sparse::Csr;

fn sample_x() -> (Array2<f64>, Csr<f64>) {
    let dense = array![
        [1.0, 0.0, 2.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 3.0, -1.0, 0.5]
    ];
    let sparse = Csr::new(
        4,
        vec![0, 2, 2, 5],
        vec![0, 2, 1, 2, 3],
        vec![1.0, 2.0, 3.0, -1.0, 0.5],
    )
    .unwrap();
    (dense, sparse)
}

fn sample_weight() -> Array2<f64> {
    crate::mlp::initial_weight(4, 3, Activation::Sigmoid, &mut MersenneTwister::new(3))
}

fn layouts(weight: &Array2<f64>) -> Vec<Array2<f64>> {
    let column_major = to_column_major(weight.clone());
    let mut reversed = weight.clone();
    reversed.invert_axis(ndarray::Axis(1));
    let mut reversed_back = reversed.to_owned();
    reversed_back.invert_axis(ndarray::Axis(1));
    vec![weight.clone(), column_major, reversed_back]
}

#[test]
fn linear_matches_ops_in_every_layout() {
    let (dense, sparse) = sample_x();
    let bias = array![0.1, -0.2, 0.3];
    let mut expected = Array2::zeros((3, 3));
    ops::linear(
        Inputs::Sparse(sparse.view()),
        sample_weight().view(),
        bias.view(),
        expected.view_mut(),
    );
    for weight in layouts(&sample_weight()) {
        for x in [Inputs::Dense(dense.view()), Inputs::Sparse(sparse.view())] {
            let mut z = Array2::zeros((3, 3));
            linear::<f64, 3>(x, weight.view(), bias.view(), z.view_mut());
            for (a, b) in z.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-14, "{z} differs from {expected}");
            }
        }
        let mut z = Array2::zeros((3, 3));
        linear::<f64, 3>(
            Inputs::Sparse(sparse.view()),
            weight.view(),
            bias.view(),
            z.view_mut(),
        );
        assert_eq!(z, expected, "sparse input gives the bits of ops::linear");
    }
}

#[test]
fn weight_gradient_matches_ops() {
    let (dense, sparse) = sample_x();
    let delta = array![[1.0, 2.0, -1.0], [3.0, 4.0, 0.5], [5.0, 6.0, 0.25]];
    let mut expected = Array2::zeros((3, 4));
    ops::weight_gradient(
        delta.view(),
        Inputs::Dense(dense.view()),
        expected.view_mut(),
    );
    for x in [Inputs::Dense(dense.view()), Inputs::Sparse(sparse.view())] {
        let mut gradient = zeros_column_major(3, 4);
        weight_gradient::<f64, 3>(delta.view(), x, gradient.view_mut());
        assert_eq!(gradient, expected);
    }
}

#[test]
fn backpropagate_is_delta_times_weight() {
    let weight = sample_weight();
    let delta = array![[1.0, 2.0, -1.0], [3.0, 4.0, 0.5]];
    let expected = delta.dot(&weight);
    for weight in layouts(&weight) {
        let mut below = Array2::zeros((2, 4));
        backpropagate::<f64, 3>(delta.view(), weight.view(), below.view_mut());
        for (a, b) in below.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-14);
        }
    }
}

#[test]
fn fused_update_equals_gradient_then_update() {
    let (dense, sparse) = sample_x();
    let delta = array![[1.0, 2.0, -1.0], [3.0, 4.0, 0.5], [5.0, 6.0, 0.25]];
    let learning_rate = 0.05;
    for x in [Inputs::Dense(dense.view()), Inputs::Sparse(sparse.view())] {
        let mut expected = to_column_major(sample_weight());
        let mut gradient = zeros_column_major(3, 4);
        weight_gradient::<f64, 3>(delta.view(), x, gradient.view_mut());
        assert!(crate::mlp::sgd_update(
            expected.view_mut().into_dyn(),
            gradient.view().into_dyn(),
            learning_rate
        ));

        let mut scratch = SparseGradient::default();
        for weight in layouts(&sample_weight()) {
            let mut weight = weight;
            assert!(update_weight::<f64, 3>(
                weight.view_mut(),
                delta.view(),
                x,
                learning_rate,
                &mut scratch
            ));
            assert_eq!(weight, expected);
        }
    }
}

#[test]
fn fused_update_reports_non_finite() {
    let (_, sparse) = sample_x();
    let delta = array![[1e308, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]];
    let mut weight = zeros_column_major(3, 4);
    let mut scratch = SparseGradient::default();
    let finite = update_weight::<f64, 3>(
        weight.view_mut(),
        delta.view(),
        Inputs::Sparse(sparse.view()),
        -1e10,
        &mut scratch,
    );
    assert!(!finite);

    let mut bias = Array1::zeros(3);
    assert!(!update_bias::<f64, 3>(bias.view_mut(), delta.view(), -1e10));

    let mut bias = Array1::zeros(3);
    let empty = Array2::zeros((0, 3));
    assert!(update_bias::<f64, 3>(bias.view_mut(), empty.view(), 1.0));
    assert_eq!(bias, Array1::<f64>::zeros(3));
}

#[test]
fn binary_cross_entropy_is_stable() {
    let logits = array![[1000.0], [-1000.0], [0.0]];
    let cost = binary_cross_entropy(logits.view(), &[1, 0, 1]);
    assert!((cost - std::f64::consts::LN_2 / 3.0).abs() < 1e-15);
    let cost = binary_cross_entropy(logits.view(), &[0, 0, 0]);
    assert!((cost - (1000.0 + std::f64::consts::LN_2) / 3.0).abs() < 1e-12);

    let probabilities = binary_probabilities(logits.view());
    assert_eq!(probabilities.row(0), array![0.0, 1.0]);
    assert_eq!(probabilities.row(2), array![0.5, 0.5]);
    let log_probabilities = binary_log_probabilities(logits.view());
    assert_eq!(log_probabilities[[0, 0]], -1000.0);
    assert!(log_probabilities.iter().all(|v| v.is_finite()));

    let mut delta = logits.clone();
    binary_cross_entropy_delta(delta.view_mut(), &[1, 0, 1]);
    assert_eq!(delta, array![[0.0], [0.0], [-0.5 / 3.0]]);
}

#[test]
fn squared_error_of_one_hot_targets() {
    let outputs = array![[1.0, 0.0], [0.5, 0.5]];
    assert_eq!(squared_error(outputs.view(), &[0, 1]), 0.125);
    let mut delta = outputs.clone();
    squared_error_delta(delta.view_mut(), &[0, 1]);
    assert_eq!(delta, array![[0.0, 0.0], [0.25, -0.25]]);
    assert_eq!(squared_error(Array2::<f64>::zeros((0, 2)).view(), &[]), 0.0);
}

#[test]
fn matrix_buffer_keeps_its_capacity() {
    let mut buffer = Vec::new();
    matrix_mut::<f64>(&mut buffer, 4, 3).fill(1.0);
    let capacity = buffer.capacity();
    let pointer = buffer.as_ptr();
    assert_eq!(matrix_mut::<f64>(&mut buffer, 2, 3).dim(), (2, 3));
    assert_eq!(matrix_mut::<f64>(&mut buffer, 4, 3).dim(), (4, 3));
    assert_eq!(buffer.capacity(), capacity);
    assert_eq!(buffer.as_ptr(), pointer);
}

#[test]
fn shape_check_names_the_parameter() {
    assert!(check_shape("W1", &[2, 3], &[2, 3]).is_ok());
    let error = check_shape("W1", &[3, 2], &[2, 3]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter W1 has shape [3, 2] but the network expects [2, 3]"
    );
}
