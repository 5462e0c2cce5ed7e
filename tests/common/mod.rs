//! Helpers shared by the integration tests.

#![allow(dead_code)]

use mlp::network::ParameterGradients;
use mlp::rng::MersenneTwister;
use mlp::sparse::CsrBuilder;
use mlp::{Csr, Inputs, Network};
use ndarray::{Array2, ArrayD};

/// Returns a dense batch of `rows` × `cols` values uniform in [−1, 1), with
/// about half of them set to 0 so that it also makes a meaningful sparse
/// batch.
pub fn random_batch(rows: usize, cols: usize, seed: u32) -> Array2<f64> {
    let mut rng = MersenneTwister::new(seed);
    Array2::from_shape_simple_fn((rows, cols), || {
        let value = rng.uniform(-1.0, 1.0);
        if rng.next_f64() < 0.5 { 0.0 } else { value }
    })
}

/// Returns `rows` labels below `classes`.
pub fn random_labels(rows: usize, classes: usize, seed: u32) -> Vec<usize> {
    let mut rng = MersenneTwister::new(seed);
    (0..rows)
        .map(|_| rng.below(classes as u64) as usize)
        .collect()
}

/// Returns the CSR form of a dense matrix.
pub fn to_csr(x: &Array2<f64>) -> Csr<f64> {
    let mut builder = CsrBuilder::new(x.ncols());
    for row in x.rows() {
        let entries: Vec<(u32, f64)> = row
            .iter()
            .enumerate()
            .filter(|(_, value)| **value != 0.0)
            .map(|(column, &value)| (column as u32, value))
            .collect();
        builder.push_row(entries).expect("columns are increasing");
    }
    builder.finish()
}

/// Step of the central finite differences. The truncation error is of
/// order step², and the rounding error of the cost difference about
/// ε·cost / step, which is 2.2e-10 times the cost in f64.
pub const FINITE_DIFFERENCE_STEP: f64 = 1e-6;

/// Returns the central finite-difference gradient of the cost with respect
/// to parameter `name`: (cost(p + h) − cost(p − h)) / 2h entry by entry,
/// with h = [`FINITE_DIFFERENCE_STEP`]. Every parameter is restored.
pub fn numeric_gradient<N: Network<f64>>(
    net: &mut N,
    name: &str,
    x: Inputs<'_, f64>,
    y: &[usize],
) -> ArrayD<f64> {
    const STEP: f64 = FINITE_DIFFERENCE_STEP;
    let mut numeric = net
        .parameter(name)
        .expect("the network has this parameter")
        .to_owned();
    for (position, value) in numeric.indexed_iter_mut() {
        let original = net.parameter(name).unwrap()[&position];
        net.parameter_mut(name).unwrap()[&position] = original + STEP;
        let above = net.cost(x, y).unwrap();
        net.parameter_mut(name).unwrap()[&position] = original - STEP;
        let below = net.cost(x, y).unwrap();
        net.parameter_mut(name).unwrap()[&position] = original;
        *value = (above - below) / (2.0 * STEP);
    }
    numeric
}

/// Compares the analytic gradient of every parameter with central finite
/// differences of the cost, and returns the largest relative error
/// ‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) over the parameters.
pub fn max_gradient_error<N: Network<f64>>(net: &mut N, x: Inputs<'_, f64>, y: &[usize]) -> f64 {
    let gradients = net.gradients(x, y).expect("the batch fits the network");
    let mut worst: f64 = 0.0;
    for name in net.parameter_names() {
        let analytic = gradients
            .gradient(&name)
            .expect("every parameter has a gradient")
            .to_owned();
        let numeric = numeric_gradient(net, &name, x, y);
        let norm = |a: &ArrayD<f64>| a.iter().map(|v| v * v).sum::<f64>().sqrt();
        let difference = norm(&(&analytic - &numeric));
        let scale = norm(&analytic) + norm(&numeric);
        if scale > 0.0 {
            worst = worst.max(difference / scale);
        }
    }
    worst
}

/// Returns the books corpus in the lab's feature order, read once per test
/// binary from `$MLP_DATA_DIR/books`.
///
/// # Panics
///
/// Panics, with the reader's message on where it looked, when the corpus is
/// not found: these tests need it and must not pass without it.
pub fn books() -> &'static mlp::corpus::Corpus {
    static BOOKS: std::sync::OnceLock<mlp::corpus::Corpus> = std::sync::OnceLock::new();
    BOOKS.get_or_init(|| {
        mlp::corpus::Corpus::load_domain("books", &mlp::corpus::CorpusOptions::default())
            .unwrap_or_else(|error| panic!("the books corpus is needed: {error}"))
    })
}
