//! Costs of the outputs that the runtime MLP does not have: binary
//! cross-entropy over one sigmoid unit, and the squared error of an
//! identity output. Softmax with cross-entropy is in [`crate::ops`].

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::float::Float;

/// Returns log(1 + e^z) without overflow: max(z, 0) + log(1 + e^−|z|).
#[inline]
fn softplus<F: Float>(z: F) -> F {
    z.max(F::zero()) + (-z.abs()).exp().ln_1p()
}

fn check_binary(logits: &ArrayView2<'_, impl Float>, labels: &[usize]) {
    assert_eq!(logits.ncols(), 1, "a binary output has one unit");
    assert_eq!(logits.nrows(), labels.len(), "one label per row");
    assert!(
        labels.iter().all(|&label| label < 2),
        "binary labels are 0 or 1"
    );
}

/// Returns the mean binary cross-entropy −[y log p + (1 − y) log(1 − p)]
/// of one sigmoid unit, p = σ(z), computed from the logits `z` (rows × 1)
/// as softplus(z) − y·z so that it neither overflows nor takes the
/// logarithm of 0. An empty batch has cost 0.
///
/// # Panics
///
/// Panics when `logits` has more than one column, the rows and labels
/// differ in number, or a label is not 0 or 1.
pub fn binary_cross_entropy<F: Float>(logits: ArrayView2<'_, F>, labels: &[usize]) -> F {
    check_binary(&logits, labels);
    if labels.is_empty() {
        return F::zero();
    }
    let mut total = F::zero();
    for (&z, &label) in logits.iter().zip(labels) {
        let y = F::from_f64(label as f64);
        total += softplus(z) - y * z;
    }
    total / F::from_f64(labels.len() as f64)
}

/// Turns the logits of one sigmoid unit into the delta of the mean binary
/// cross-entropy, in place: (σ(z) − y) / batch size.
///
/// # Panics
///
/// As [`binary_cross_entropy`].
pub fn binary_cross_entropy_delta<F: Float>(mut logits: ArrayViewMut2<'_, F>, labels: &[usize]) {
    check_binary(&logits.view(), labels);
    let scale = F::one() / F::from_f64(labels.len().max(1) as f64);
    for (z, &label) in logits.iter_mut().zip(labels) {
        let y = F::from_f64(label as f64);
        *z = (crate::ops::sigmoid(*z) - y) * scale;
    }
}

/// Returns the probabilities [1 − p, p] of classes 0 and 1 for the logits
/// `z` (rows × 1) of one sigmoid unit, p = σ(z). 1 − p is computed as
/// σ(−z), which keeps its precision when p is close to 1. Allocates.
///
/// # Panics
///
/// Panics when `logits` has more than one column.
pub fn binary_probabilities<F: Float>(logits: ArrayView2<'_, F>) -> Array2<F> {
    assert_eq!(logits.ncols(), 1, "a binary output has one unit");
    let mut probabilities = Array2::zeros((logits.nrows(), 2));
    for (mut row, &z) in probabilities.rows_mut().into_iter().zip(logits.iter()) {
        row[0] = crate::ops::sigmoid(-z);
        row[1] = crate::ops::sigmoid(z);
    }
    probabilities
}

/// Returns the log-probabilities [log(1 − p), log p] = [−softplus(z),
/// −softplus(−z)] for the logits `z` (rows × 1) of one sigmoid unit.
/// Allocates.
///
/// # Panics
///
/// Panics when `logits` has more than one column.
pub fn binary_log_probabilities<F: Float>(logits: ArrayView2<'_, F>) -> Array2<F> {
    assert_eq!(logits.ncols(), 1, "a binary output has one unit");
    let mut log_probabilities = Array2::zeros((logits.nrows(), 2));
    for (mut row, &z) in log_probabilities.rows_mut().into_iter().zip(logits.iter()) {
        row[0] = -softplus(z);
        row[1] = -softplus(-z);
    }
    log_probabilities
}

fn check_squared(outputs: &ArrayView2<'_, impl Float>, labels: &[usize]) {
    assert_eq!(outputs.nrows(), labels.len(), "one label per row");
    assert!(
        labels.iter().all(|&label| label < outputs.ncols()),
        "labels are below the output width"
    );
}

/// Returns the mean over the rows of ½‖o − t‖², where `o` is a row of
/// `outputs` and `t` the one-hot vector of its label. An empty batch has
/// cost 0.
///
/// # Panics
///
/// Panics when the rows and labels differ in number or a label is not
/// below the output width.
pub fn squared_error<F: Float>(outputs: ArrayView2<'_, F>, labels: &[usize]) -> F {
    check_squared(&outputs, labels);
    if labels.is_empty() {
        return F::zero();
    }
    let half = F::from_f64(0.5);
    let mut total = F::zero();
    for (row, &label) in outputs.rows().into_iter().zip(labels) {
        for (class, &o) in row.iter().enumerate() {
            let error = if class == label { o - F::one() } else { o };
            total += half * error * error;
        }
    }
    total / F::from_f64(labels.len() as f64)
}

/// Turns the outputs into the delta of the mean squared error, in place:
/// (o − onehot(y)) / batch size.
///
/// # Panics
///
/// As [`squared_error`].
pub fn squared_error_delta<F: Float>(mut outputs: ArrayViewMut2<'_, F>, labels: &[usize]) {
    check_squared(&outputs.view(), labels);
    let scale = F::one() / F::from_f64(labels.len().max(1) as f64);
    for (mut row, &label) in outputs.rows_mut().into_iter().zip(labels) {
        row[label] -= F::one();
        row.mapv_inplace(|v| v * scale);
    }
}
