//! Accuracy and log-probability, as the lab reports them.

use ndarray::ArrayView2;

use crate::batch::Dataset;
use crate::error::Result;
use crate::float::Float;
use crate::network::{Network, check_labels};

/// How well a network classifies a dataset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Number of examples evaluated.
    pub examples: usize,
    /// Fraction of examples whose most probable class is the label, in
    /// [0, 1]; 0 for an empty dataset.
    pub accuracy: f64,
    /// Sum over the examples of the natural log-probability of the right
    /// class (at most 0).
    pub log_probability: f64,
}

/// Returns the index of the largest entry of each row, the first on ties
/// (NumPy's `argmax`). NaN entries are passed over unless the row has
/// nothing else.
///
/// ```
/// use mlp_runtime::metrics::{accuracy, predictions};
///
/// let probabilities = ndarray::array![[0.2, 0.8], [0.5, 0.5], [0.9, 0.1]];
/// assert_eq!(predictions(probabilities.view()), [1, 0, 0]);
/// assert_eq!(accuracy(probabilities.view(), &[1, 1, 0]), 2.0 / 3.0);
/// ```
pub fn predictions<F: Float>(scores: ArrayView2<'_, F>) -> Vec<usize> {
    scores
        .rows()
        .into_iter()
        .map(|row| {
            let mut best = 0;
            for (class, &score) in row.iter().enumerate() {
                if score > row[best] || row[best].is_nan() {
                    best = class;
                }
            }
            best
        })
        .collect()
}

/// Returns the fraction of rows of `scores` (probabilities or logits) whose
/// arg-max is the label; 0 for no rows.
///
/// # Panics
///
/// Panics when `labels` and the rows of `scores` differ in number.
pub fn accuracy<F: Float>(scores: ArrayView2<'_, F>, labels: &[usize]) -> f64 {
    assert_eq!(scores.nrows(), labels.len(), "one label per row");
    if labels.is_empty() {
        return 0.0;
    }
    let right = predictions(scores)
        .iter()
        .zip(labels)
        .filter(|(predicted, label)| predicted == label)
        .count();
    right as f64 / labels.len() as f64
}

/// Returns Σ log p(y | x) over the rows of `log_probabilities`.
///
/// # Panics
///
/// Panics when `labels` and the rows differ in number or a label is out of
/// range.
pub fn log_probability<F: Float>(log_probabilities: ArrayView2<'_, F>, labels: &[usize]) -> f64 {
    assert_eq!(log_probabilities.nrows(), labels.len(), "one label per row");
    log_probabilities
        .rows()
        .into_iter()
        .zip(labels)
        .map(|(row, &label)| row[label].as_f64())
        .sum()
}

/// Evaluates `network` on a whole dataset.
///
/// ```
/// use mlp_runtime::metrics::evaluate;
/// use mlp_runtime::{Activation, Dataset, Matrix, Mlp};
///
/// let net = Mlp::<f64>::new(&[3, 2], &[Activation::Softmax], 1234)?;
/// let x = ndarray::array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
/// let evaluation = evaluate(&net, &Dataset::new(Matrix::Dense(x), vec![0, 1]))?;
/// assert_eq!(evaluation.examples, 2);
/// assert!((0.0..=1.0).contains(&evaluation.accuracy));
/// assert!(evaluation.log_probability < 0.0);
/// # Ok::<(), mlp_runtime::Error>(())
/// ```
///
/// # Errors
///
/// Returns the network's error for a dataset of the wrong width or with a
/// label out of range.
pub fn evaluate<F: Float, N: Network<F> + ?Sized>(
    network: &N,
    data: &Dataset<F>,
) -> Result<Evaluation> {
    let x = data.x.inputs();
    check_labels(&data.y, x.rows(), network.classes())?;
    let log_probabilities = network.log_probabilities(x)?;
    Ok(Evaluation {
        examples: data.len(),
        accuracy: accuracy(log_probabilities.view(), &data.y),
        log_probability: log_probability(log_probabilities.view(), &data.y),
    })
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn accuracy_takes_first_maximum() {
        let scores = array![[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]];
        assert_eq!(predictions(scores.view()), vec![0, 1, 0]);
        assert_eq!(accuracy(scores.view(), &[0, 0, 0]), 2.0 / 3.0);
    }

    #[test]
    fn log_probability_sums_right_class() {
        let logp = array![[-0.1, -2.0], [-3.0, -0.5]];
        assert_eq!(log_probability(logp.view(), &[0, 1]), -0.6);
    }
}
