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
    // The kernels round each product and sum once (a fused multiply-add),
    // `ops::linear` twice, so they agree to rounding.
    for weight in layouts(&sample_weight()) {
        for x in [Inputs::Dense(dense.view()), Inputs::Sparse(sparse.view())] {
            let mut z = Array2::zeros((3, 3));
            linear::<f64, 3>(x, weight.view(), bias.view(), z.view_mut());
            for (a, b) in z.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-14, "{z} differs from {expected}");
            }
        }
    }
}

/// Returns a rows × cols batch with about one value in ten non-zero, as a
/// dense matrix and in CSR form.
fn sparse_batch(rows: usize, cols: usize, seed: u32) -> (Array2<f64>, Csr<f64>) {
    let mut rng = MersenneTwister::new(seed);
    let dense = Array2::from_shape_simple_fn((rows, cols), || {
        let value = rng.uniform(-2.0, 2.0);
        if rng.next_f64() < 0.9 { 0.0 } else { value }
    });
    let mut builder = crate::sparse::CsrBuilder::new(cols);
    for row in dense.rows() {
        let entries: Vec<(u32, f64)> = row
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != 0.0)
            .map(|(c, &v)| (c as u32, v))
            .collect();
        builder.push_row(entries).unwrap();
    }
    (dense, builder.finish())
}

/// A batch wide enough for several weight panels and row blocks with a
/// short last one, and a 20-unit layer as in the lab.
fn wide_case() -> (Array2<f64>, Csr<f64>, Array2<f64>, Array2<f64>) {
    let (dense, sparse) = sparse_batch(13, 4001, 5);
    let weight = to_column_major(crate::mlp::initial_weight(
        4001,
        20,
        Activation::Sigmoid,
        &mut MersenneTwister::new(6),
    ));
    let mut rng = MersenneTwister::new(7);
    let delta = Array2::from_shape_simple_fn((13, 20), || rng.uniform(-1.0, 1.0));
    (dense, sparse, weight, delta)
}

#[test]
fn dense_and_sparse_linear_give_same_bits() {
    let (dense, sparse, weight, _) = wide_case();
    let mut rng = MersenneTwister::new(8);
    let bias = Array1::from_shape_simple_fn(20, || rng.uniform(-1.0, 1.0));
    let mut from_dense = Array2::zeros((13, 20));
    let mut from_sparse = Array2::zeros((13, 20));
    let mut from_strided = Array2::zeros((13, 20));
    linear::<f64, 20>(
        Inputs::Dense(dense.view()),
        weight.view(),
        bias.view(),
        from_dense.view_mut(),
    );
    linear::<f64, 20>(
        Inputs::Sparse(sparse.view()),
        weight.view(),
        bias.view(),
        from_sparse.view_mut(),
    );
    let row_major = weight.as_standard_layout().to_owned();
    linear::<f64, 20>(
        Inputs::Dense(dense.view()),
        row_major.view(),
        bias.view(),
        from_strided.view_mut(),
    );
    assert_eq!(from_dense, from_sparse);
    assert_eq!(from_dense, from_strided, "the generic path sums alike");
}

#[test]
fn dense_and_sparse_gradients_give_same_bits() {
    let (dense, sparse, weight, delta) = wide_case();
    let mut from_dense = zeros_column_major(20, 4001);
    let mut from_sparse = zeros_column_major(20, 4001);
    weight_gradient::<f64, 20>(
        delta.view(),
        Inputs::Dense(dense.view()),
        from_dense.view_mut(),
    );
    weight_gradient::<f64, 20>(
        delta.view(),
        Inputs::Sparse(sparse.view()),
        from_sparse.view_mut(),
    );
    assert_eq!(from_dense, from_sparse);

    let mut scratch = SparseGradient::default();
    let mut updated_dense = weight.clone();
    let mut updated_sparse = weight.clone();
    assert!(update_weight::<f64, 20>(
        updated_dense.view_mut(),
        delta.view(),
        Inputs::Dense(dense.view()),
        0.05,
        &mut scratch,
    ));
    assert!(update_weight::<f64, 20>(
        updated_sparse.view_mut(),
        delta.view(),
        Inputs::Sparse(sparse.view()),
        0.05,
        &mut scratch,
    ));
    assert_eq!(updated_dense, updated_sparse);
}

#[test]
fn thread_count_does_not_change_bits() {
    // 40 rows × 4001 columns × 20 outputs is above the threshold where
    // the kernels split the work.
    let (dense, _) = sparse_batch(40, 4001, 9);
    let weight = wide_case().2;
    let mut rng = MersenneTwister::new(10);
    let delta = Array2::from_shape_simple_fn((40, 20), || rng.uniform(-1.0, 1.0));
    let bias = Array1::zeros(20);
    let run = |threads: usize| {
        set_threads(threads);
        let mut z = Array2::zeros((40, 20));
        linear::<f64, 20>(
            Inputs::Dense(dense.view()),
            weight.view(),
            bias.view(),
            z.view_mut(),
        );
        let mut updated = weight.clone();
        let mut scratch = SparseGradient::default();
        let finite = update_weight::<f64, 20>(
            updated.view_mut(),
            delta.view(),
            Inputs::Dense(dense.view()),
            0.05,
            &mut scratch,
        );
        (z, updated, finite)
    };
    let one = run(1);
    let two = run(2);
    let three = run(3);
    set_threads(0);
    assert_eq!(one, two);
    assert_eq!(one, three);
    assert!(one.2);
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
