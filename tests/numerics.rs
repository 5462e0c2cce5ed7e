//! Numerics at the extremes: saturated and huge logits, saturated sigmoids,
//! batch means and strided weights.
//!
//! Each row that runs through a network is a function generic over
//! [`Network`]. It sets every parameter by name, so it needs only a network
//! of the right geometry. The module `runtime_mlp` runs every row on the
//! runtime MLP with one line per row, and the module `compiled` runs them
//! on networks declared with `network!`. Rows that check the building blocks in `ops` do
//! not depend on a network.

use mlp::network::ParameterGradients;
use mlp::{Activation, Float, Inputs, Mlp, Network, ops};
use ndarray::{Array, Array1, Array2, ArrayD, Dimension, ShapeBuilder, array, s};

/// Returns a runtime MLP of `geometry` whose parameters a row then sets.
fn runtime<F: Float>(geometry: &[usize], activations: &[Activation]) -> Mlp<F> {
    Mlp::new(geometry, activations, 1).expect("the rows use valid geometries")
}

/// Overwrites parameter `name` of `net` with `value`.
fn set<F: Float, N: Network<F>, D: Dimension>(net: &mut N, name: &str, value: &Array<F, D>) {
    let mut parameter = net
        .parameter_mut(name)
        .unwrap_or_else(|| panic!("the network has no parameter {name}"));
    assert_eq!(parameter.shape(), value.shape(), "shape of {name}");
    parameter.assign(&value.view().into_dyn());
}

/// Returns the gradient of parameter `name`.
fn gradient<F: Float, G: ParameterGradients<F>>(gradients: &G, name: &str) -> ArrayD<F> {
    gradients
        .gradient(name)
        .unwrap_or_else(|| panic!("no gradient for {name}"))
        .to_owned()
}

/// Makes a network of geometry `[1, logits.len()]` output `logits` for the
/// input `[1]`: W1 is the logits as a column and b1 is 0.
fn set_logits<N: Network<f64>>(net: &mut N, logits: &[f64]) {
    let column = Array2::from_shape_vec((logits.len(), 1), logits.to_vec()).unwrap();
    set(net, "W1", &column);
    set(net, "b1", &Array1::zeros(logits.len()));
}

/// Asserts that `actual` has the length of `expected` and that each entry
/// is within `tolerance` of it.
fn assert_close<'a, F: Float>(
    actual: impl IntoIterator<Item = &'a F>,
    expected: &[f64],
    tolerance: f64,
    quantity: &str,
) {
    let actual: Vec<f64> = actual.into_iter().map(|v| v.as_f64()).collect();
    assert_eq!(actual.len(), expected.len(), "{quantity}: {actual:?}");
    for (index, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() <= tolerance,
            "{quantity}[{index}] is {a:e}, expected {e:e} within {tolerance:e} (all: {actual:?})"
        );
    }
}

/// Asserts that every parameter gradient is finite.
fn assert_finite_gradients<F: Float, N: Network<F>>(net: &N, gradients: &N::Gradients) {
    for name in net.parameter_names() {
        let gradient = gradient(gradients, &name);
        assert!(
            gradient.iter().all(|v| v.is_finite()),
            "{name} gradient {gradient}"
        );
    }
}

/// Row: one example with the 9 logits 13·k for k = 1..9 and true class 0.
/// Needs geometry `[1, 9]` with a softmax output.
fn logit_ladder<N: Network<f64>>(mut net: N) {
    let logits: Vec<f64> = (1..=9).map(|k| 13.0 * k as f64).collect();
    set_logits(&mut net, &logits);
    let x = array![[1.0]];
    let (cost, gradients) = net.cost_and_gradients(Inputs::from(&x), &[0]).unwrap();

    // cost = log Σ exp(z) − z₀ = 104 + ln Σⱼ e^(−13j) for j = 0..8.
    let exact = 104.0 + (0..9).map(|j| (-13.0 * j as f64).exp()).sum::<f64>().ln();
    assert!(cost.is_finite(), "cost {cost}");
    assert!((cost - 104.000_002_3).abs() < 5e-8, "cost {cost}");
    assert!(
        (cost - exact).abs() < 1e-12,
        "cost {cost}, expected {exact}"
    );

    // With one example and x = [1], the gradient with respect to the logits
    // is the bias gradient, and the W1 gradient is the same column.
    let logit_gradient = gradient(&gradients, "b1");
    assert_finite_gradients(&net, &gradients);
    let sum: f64 = logit_gradient.sum();
    assert!(sum.abs() < 1e-15, "gradient sums to {sum:e}");
    assert_close(logit_gradient.slice(s![..1]), &[-1.0], 1e-15, "first");
    assert_close(logit_gradient.slice(s![8..]), &[0.999_997_7], 5e-8, "last");
    assert_close(
        &gradient(&gradients, "W1"),
        logit_gradient.as_slice().unwrap(),
        0.0,
        "W1 gradient",
    );
}

/// Row: logits [1e8, 1e8] with true class 1. Needs geometry `[1, 2]`.
fn equal_huge_logits<N: Network<f64>>(mut net: N) {
    set_logits(&mut net, &[1e8, 1e8]);
    let x = array![[1.0]];
    let (cost, gradients) = net.cost_and_gradients(Inputs::from(&x), &[1]).unwrap();
    assert!((cost - std::f64::consts::LN_2).abs() < 1e-15, "cost {cost}");
    assert_close(&gradient(&gradients, "b1"), &[0.5, -0.5], 1e-15, "gradient");
    assert_finite_gradients(&net, &gradients);
}

/// Row: logits [−431, 279, 427] with true class 0, whose probability
/// e^−858 underflows to 0. Needs geometry `[1, 3]`.
fn far_apart_logits<N: Network<f64>>(mut net: N) {
    set_logits(&mut net, &[-431.0, 279.0, 427.0]);
    let x = array![[1.0]];
    let y = [0];
    let (cost, gradients) = net.cost_and_gradients(Inputs::from(&x), &y).unwrap();
    assert!((cost - 858.0).abs() < 1e-12, "cost {cost}");
    assert_eq!(net.cost(Inputs::from(&x), &y).unwrap(), cost);
    assert_close(
        &gradient(&gradients, "b1"),
        &[-1.0, 0.0, 1.0],
        1e-15,
        "gradient",
    );
    assert_finite_gradients(&net, &gradients);

    let probabilities = net.forward(Inputs::from(&x)).unwrap();
    assert_close(&probabilities, &[0.0, 0.0, 1.0], 1e-15, "probabilities");
    // The log-probabilities must come from the logits: the logarithm of the
    // underflowed probability would be −∞.
    let log_probabilities = net.log_probabilities(Inputs::from(&x)).unwrap();
    assert_close(
        &log_probabilities,
        &[-858.0, -148.0, 0.0],
        1e-12,
        "log-probabilities",
    );
}

/// Row: the batch of logits [[1000, 0], [0, 1000]] with labels [1, 0].
/// Needs geometry `[2, 2]`.
fn saturated_batch<N: Network<f64>>(mut net: N) {
    // With x the identity, example i's logits are row i of X·W1ᵀ = W1ᵀ, so
    // W1 is the transposed logits. The W1 gradient is Δᵀ·X = Δᵀ, where row
    // i of Δ is the gradient of the mean cost with respect to example i's
    // logits. The bias gradient contains only the sum of the rows of Δ.
    let logits = array![[1000.0, 0.0], [0.0, 1000.0]];
    set(&mut net, "W1", &logits.t().to_owned());
    set(&mut net, "b1", &Array1::zeros(2));
    let x = Array2::eye(2);
    let (cost, gradients) = net.cost_and_gradients(Inputs::from(&x), &[1, 0]).unwrap();
    assert!((cost - 1000.0).abs() < 1e-12, "mean cost {cost}");

    let weight_gradient = gradient(&gradients, "W1");
    let per_example = weight_gradient
        .t()
        .into_dimensionality::<ndarray::Ix2>()
        .unwrap();
    assert_close(per_example.row(0), &[0.5, -0.5], 1e-15, "example 0");
    assert_close(per_example.row(1), &[-0.5, 0.5], 1e-15, "example 1");
    assert_close(&gradient(&gradients, "b1"), &[0.0, 0.0], 1e-15, "b1");
    assert_finite_gradients(&net, &gradients);
}

/// Inputs of the sigmoid row, from far below to far above the range where
/// the f32 sigmoid is neither 0 nor 1.
const SIGMOID_INPUTS: [f32; 6] = [-1000.0, -100.0, 0.0, 88.8, 100.0, 1000.0];
const SIGMOID_OUTPUTS: [f64; 6] = [0.0, 0.0, 0.5, 1.0, 1.0, 1.0];
const SIGMOID_DERIVATIVES: [f64; 6] = [0.0, 0.0, 0.25, 0.0, 0.0, 0.0];

/// Tolerance of the sigmoid row, which is in f32. σ(−100) ≈ 3.7e−44 is one
/// of the entries that is only close to 0.
const SIGMOID_TOLERANCE: f64 = 1e-6;

/// Row: the f32 sigmoid of [`SIGMOID_INPUTS`] in a hidden layer. Needs
/// geometry `[1, 6, 2]` with a sigmoid hidden layer and a softmax output.
fn saturated_sigmoid<N: Network<f32>>(mut net: N) {
    // With x = [1] and b1 = 0, the hidden pre-activations are W1's column.
    let column = Array2::from_shape_vec((6, 1), SIGMOID_INPUTS.to_vec()).unwrap();
    set(&mut net, "W1", &column);
    set(&mut net, "b1", &Array1::<f32>::zeros(6));
    let mut output_weight = Array2::<f32>::zeros((2, 6));
    output_weight.row_mut(1).fill(1.0);
    set(&mut net, "W2", &output_weight);
    set(&mut net, "b2", &Array1::<f32>::zeros(2));

    let x = array![[1.0f32]];
    let (cost, gradients) = net.cost_and_gradients(Inputs::from(&x), &[0]).unwrap();
    assert!(cost.is_finite(), "cost {cost}");
    assert_finite_gradients(&net, &gradients);
    let probabilities = net.forward(Inputs::from(&x)).unwrap();
    assert!(
        probabilities.iter().all(|p| p.is_finite()),
        "{probabilities}"
    );

    // For one example the b2 gradient is the output delta δ, the W2
    // gradient is δᵀ·a with a the sigmoid outputs, and the b1 gradient is
    // (δ·W2) ⊙ σ'. Row 1 of W2 is all ones and row 0 all zeros, so
    // a = (row 1 of the W2 gradient) / δ₁ and σ' = (b1 gradient) / δ₁.
    let delta = gradient(&gradients, "b2")[[1]];
    assert!(delta > 0.5, "the output delta {delta} must be far from 0");
    let hidden = gradient(&gradients, "W2")
        .slice(s![1, ..])
        .mapv(|g| g / delta);
    let derivative = gradient(&gradients, "b1").mapv(|g| g / delta);
    assert_close(&hidden, &SIGMOID_OUTPUTS, SIGMOID_TOLERANCE, "sigmoid");
    assert_close(
        &derivative,
        &SIGMOID_DERIVATIVES,
        SIGMOID_TOLERANCE,
        "sigmoid derivative",
    );
}

/// Row: the softmax of the batch of logits [[1, 2], [3, 4]]. Needs geometry
/// `[2, 2]`.
fn softmax_per_example<N: Network<f64>>(mut net: N) {
    // With W1 the identity and b1 = 0, the logits are the inputs.
    set(&mut net, "W1", &Array2::<f64>::eye(2));
    set(&mut net, "b1", &Array1::zeros(2));
    let x = array![[1.0, 2.0], [3.0, 4.0]];
    let probabilities = net.forward(Inputs::from(&x)).unwrap();
    for row in probabilities.rows() {
        assert_close(row, &[0.268_941_4, 0.731_058_6], 5e-8, "softmax row");
    }
}

/// Row: W = 0 and b = 0, the example [1, 0] twice with labels [0, 0], and
/// the same example once. Needs geometry `[2, 2]`.
fn repeated_example<N: Network<f64>>(mut net: N) {
    set(&mut net, "W1", &Array2::<f64>::zeros((2, 2)));
    set(&mut net, "b1", &Array1::zeros(2));
    let twice = array![[1.0, 0.0], [1.0, 0.0]];
    let once = array![[1.0, 0.0]];
    let (cost_twice, gradients_twice) = net
        .cost_and_gradients(Inputs::from(&twice), &[0, 0])
        .unwrap();
    let (cost_once, gradients_once) = net.cost_and_gradients(Inputs::from(&once), &[0]).unwrap();

    let expected = [-0.5, 0.0, 0.5, 0.0];
    let weight_twice = gradient(&gradients_twice, "W1");
    let weight_once = gradient(&gradients_once, "W1");
    assert_eq!(weight_twice.shape(), [2, 2]);
    assert_close(&weight_twice, &expected, 1e-15, "W1 gradient, twice");
    assert_close(&weight_once, &expected, 1e-15, "W1 gradient, once");
    assert_close(&gradient(&gradients_twice, "b1"), &[-0.5, 0.5], 1e-15, "b1");
    let ln_2 = std::f64::consts::LN_2;
    assert_close([&cost_twice, &cost_once], &[ln_2, ln_2], 1e-15, "costs");
}

/// Row: the saturated batch of [`saturated_batch`] through the network's own
/// SGD step, which must return the mean cost 1000 and move W1 by exactly
/// the learning rate times the gradient. Needs geometry `[2, 2]`.
fn saturated_step<N: Network<f64>>(mut net: N) {
    let logits = array![[1000.0, 0.0], [0.0, 1000.0]];
    set(&mut net, "W1", &logits.t().to_owned());
    set(&mut net, "b1", &Array1::zeros(2));
    let x = Array2::eye(2);
    let y = [1, 0];
    let gradients = net.gradients(Inputs::from(&x), &y).unwrap();
    let before = net.parameter("W1").unwrap().to_owned();

    let cost = net.train_step(Inputs::from(&x), &y, 0.1).unwrap();
    assert!((cost - 1000.0).abs() < 1e-12, "mean cost {cost}");
    let expected = &before - &(gradient(&gradients, "W1") * 0.1);
    let expected: Vec<f64> = expected.iter().copied().collect();
    let after = net.parameter("W1").unwrap().to_owned();
    assert_close(&after, &expected, 1e-12, "W1 after the step");
}

/// The rows on the runtime MLP. A module of this form, with one line per
/// row that builds a network of the geometry the row needs, runs them on
/// another network type.
mod runtime_mlp {
    use super::*;
    use mlp::Activation::{Sigmoid, Softmax};

    #[test]
    fn logit_ladder() {
        super::logit_ladder(runtime::<f64>(&[1, 9], &[Softmax]));
    }

    #[test]
    fn equal_huge_logits() {
        super::equal_huge_logits(runtime::<f64>(&[1, 2], &[Softmax]));
    }

    #[test]
    fn far_apart_logits() {
        super::far_apart_logits(runtime::<f64>(&[1, 3], &[Softmax]));
    }

    #[test]
    fn saturated_batch() {
        super::saturated_batch(runtime::<f64>(&[2, 2], &[Softmax]));
    }

    #[test]
    fn saturated_sigmoid() {
        super::saturated_sigmoid(runtime::<f32>(&[1, 6, 2], &[Sigmoid, Softmax]));
    }

    #[test]
    fn softmax_per_example() {
        super::softmax_per_example(runtime::<f64>(&[2, 2], &[Softmax]));
    }

    #[test]
    fn repeated_example() {
        super::repeated_example(runtime::<f64>(&[2, 2], &[Softmax]));
    }

    #[test]
    fn saturated_step() {
        super::saturated_step(runtime::<f64>(&[2, 2], &[Softmax]));
    }
}

/// The rows on networks compiled by `network!`, with their fused step.
mod compiled {
    mlp::network! {
        /// One input, nine classes.
        struct NineClasses {
            input: 1,
            output: softmax(9),
            cost: cross_entropy,
        }
    }

    mlp::network! {
        /// One input, two classes.
        struct TwoClasses {
            input: 1,
            output: softmax(2),
            cost: cross_entropy,
        }
    }

    mlp::network! {
        /// One input, three classes.
        struct ThreeClasses {
            input: 1,
            output: softmax(3),
            cost: cross_entropy,
        }
    }

    mlp::network! {
        /// Two inputs, two classes, no hidden layer.
        struct Square {
            input: dynamic,
            output: softmax(2),
            cost: cross_entropy,
        }
    }

    mlp::network! {
        /// One input, six sigmoid units, two classes.
        struct SixSigmoids {
            input: 1,
            hidden: sigmoid(6),
            output: softmax(2),
            cost: cross_entropy,
        }
    }

    fn square() -> Square<f64> {
        Square::new(2, 1).unwrap()
    }

    #[test]
    fn logit_ladder() {
        super::logit_ladder(NineClasses::<f64>::new(1));
    }

    #[test]
    fn equal_huge_logits() {
        super::equal_huge_logits(TwoClasses::<f64>::new(1));
    }

    #[test]
    fn far_apart_logits() {
        super::far_apart_logits(ThreeClasses::<f64>::new(1));
    }

    #[test]
    fn saturated_batch() {
        super::saturated_batch(square());
    }

    #[test]
    fn saturated_sigmoid() {
        super::saturated_sigmoid(SixSigmoids::<f32>::new(1));
    }

    #[test]
    fn softmax_per_example() {
        super::softmax_per_example(square());
    }

    #[test]
    fn repeated_example() {
        super::repeated_example(square());
    }

    #[test]
    fn saturated_step() {
        super::saturated_step(square());
    }
}

#[test]
fn ops_sigmoid_saturates_in_f32() {
    let outputs = SIGMOID_INPUTS.map(ops::sigmoid);
    assert!(outputs.iter().all(|s| s.is_finite()), "{outputs:?}");
    assert_close(&outputs, &SIGMOID_OUTPUTS, SIGMOID_TOLERANCE, "sigmoid");
    assert_eq!(outputs[2], 0.5);

    let a = Array2::from_shape_vec((1, 6), outputs.to_vec()).unwrap();
    let mut derivative = Array2::<f32>::ones((1, 6));
    ops::scale_by_derivative(Activation::Sigmoid, derivative.view_mut(), a.view());
    assert!(derivative.iter().all(|d| d.is_finite()), "{derivative}");
    assert_close(
        &derivative,
        &SIGMOID_DERIVATIVES,
        SIGMOID_TOLERANCE,
        "sigmoid derivative",
    );
}

#[test]
fn ops_softmax_normalises_each_row() {
    let mut z = array![[1.0, 2.0], [3.0, 4.0]];
    ops::softmax_rows(z.view_mut());
    for row in z.rows() {
        assert_close(row, &[0.268_941_4, 0.731_058_6], 5e-8, "softmax row");
    }
}

#[test]
fn ops_bias_gradient_of_mean_cost() {
    // The output delta of the mean cost is (p − onehot(y)) / batch size, so
    // passing deltas + onehot(y) as p gives the deltas divided by 3.
    let deltas = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
    let labels = [0, 0, 0];
    let mut probabilities = deltas.clone();
    probabilities.column_mut(0).mapv_inplace(|v| v + 1.0);
    ops::softmax_cross_entropy_delta(probabilities.view_mut(), &labels);
    let mean = ops::bias_gradient(probabilities.view());
    assert_eq!(mean.shape(), [2]);
    assert_close(&mean, &[3.0, 4.0], 1e-15, "bias gradient of the mean cost");

    let total = ops::bias_gradient(deltas.view());
    assert_eq!(total.shape(), [2]);
    assert_eq!(total, array![9.0, 12.0]);
}

/// Returns a 3 × 4 weight and a batch of 2 examples whose products are
/// exact in f64 in any order of summation.
fn small_exact_operands() -> (Array2<f64>, Array2<f64>, Array1<f64>) {
    let weight = array![
        [1.0, -2.0, 0.5, 3.0],
        [0.0, 4.0, -1.5, 2.0],
        [-3.0, 1.0, 2.5, -0.5]
    ];
    let x = array![[2.0, 0.0, -1.0, 1.0], [0.0, 3.0, 0.0, -2.0]];
    let bias = array![0.25, -0.5, 1.0];
    (weight, x, bias)
}

/// Returns `linear(x, weight, bias)` with dense and sparse `x`.
fn linear_both(
    x: &Array2<f64>,
    weight: ndarray::ArrayView2<'_, f64>,
    bias: &Array1<f64>,
) -> [Array2<f64>; 2] {
    let csr = sparse(x);
    [Inputs::Dense(x.view()), Inputs::Sparse(csr.view())].map(|inputs| {
        let mut z = Array2::zeros((x.nrows(), weight.nrows()));
        ops::linear(inputs, weight, bias.view(), z.view_mut());
        z
    })
}

fn sparse(x: &Array2<f64>) -> mlp::Csr<f64> {
    let mut builder = mlp::sparse::CsrBuilder::new(x.ncols());
    for row in x.rows() {
        let entries: Vec<(u32, f64)> = row
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != 0.0)
            .map(|(column, &v)| (column as u32, v))
            .collect();
        builder.push_row(entries).unwrap();
    }
    builder.finish()
}

#[test]
fn ops_linear_with_strided_weights() {
    let (weight, x, bias) = small_exact_operands();
    let expected = linear_both(&x, weight.view(), &bias);
    assert_eq!(expected[0], expected[1], "dense and sparse products");

    // The transpose of an inputs × outputs array: Fortran order.
    let transposed_storage = weight.t().to_owned();
    let transposed = transposed_storage.t();
    // Every second row and third column of a larger array.
    let mut spread = Array2::from_elem((6, 12), f64::NAN);
    spread.slice_mut(s![..;2, ..;3]).assign(&weight);
    let stepped = spread.slice(s![..;2, ..;3]);
    // Rows stored in reverse, read with a negative stride.
    let reversed_storage = weight.slice(s![..;-1, ..]).to_owned();
    let reversed = reversed_storage.slice(s![..;-1, ..]);

    for (layout, view) in [
        ("transposed", transposed),
        ("stepped", stepped),
        ("reversed", reversed),
    ] {
        assert_eq!(view, weight, "{layout} view");
        let products = linear_both(&x, view, &bias);
        assert_eq!(products[0], expected[0], "{layout} weight, dense x");
        assert_eq!(products[1], expected[1], "{layout} weight, sparse x");
    }
}

#[test]
fn ops_weight_gradient_with_strided_views() {
    let (_, x, _) = small_exact_operands();
    let delta = array![[1.0, -0.5, 2.0], [0.25, 3.0, -1.0]];
    let csr = sparse(&x);
    let mut expected = Array2::zeros((3, 4));
    ops::weight_gradient(delta.view(), Inputs::Dense(x.view()), expected.view_mut());

    // The delta read through a transposed view, and the gradient written
    // into the transpose of an inputs × outputs array.
    let delta_storage = delta.t().to_owned();
    let x_storage = x.t().to_owned();
    for inputs in [Inputs::Dense(x_storage.t()), Inputs::Sparse(csr.view())] {
        let mut gradient_storage = Array2::from_elem((4, 3), f64::NAN);
        ops::weight_gradient(
            delta_storage.t(),
            inputs,
            gradient_storage.view_mut().reversed_axes(),
        );
        assert_eq!(gradient_storage.t(), expected, "transposed views");

        let mut spread = Array2::from_elem((6, 8), f64::NAN);
        ops::weight_gradient(delta.view(), inputs, spread.slice_mut(s![..;2, ..;2]));
        assert_eq!(spread.slice(s![..;2, ..;2]), expected, "stepped output");
    }
}

#[test]
fn mlp_layers_from_fortran_order_arrays() {
    use mlp::mlp::Layer;

    let contiguous = runtime::<f64>(&[4, 3, 2], &[Activation::Tanh, Activation::Softmax]);
    let fortran_layers = contiguous
        .layers()
        .iter()
        .map(|layer| {
            let weight = layer.weight();
            let mut fortran = Array2::zeros(weight.raw_dim().f());
            fortran.assign(&weight);
            assert!(
                fortran.t().is_standard_layout(),
                "the copy is in Fortran order"
            );
            Layer::new(fortran, layer.bias().to_owned(), layer.activation()).unwrap()
        })
        .collect();
    let fortran = Mlp::from_layers(fortran_layers).unwrap();
    assert_eq!(fortran, contiguous);

    let (_, x, _) = small_exact_operands();
    let y = [1, 0];
    let csr = sparse(&x);
    for inputs in [Inputs::Dense(x.view()), Inputs::Sparse(csr.view())] {
        assert_eq!(
            fortran.forward(inputs).unwrap(),
            contiguous.forward(inputs).unwrap()
        );
        let (cost_f, gradients_f) = fortran.cost_and_gradients(inputs, &y).unwrap();
        let (cost_c, gradients_c) = contiguous.cost_and_gradients(inputs, &y).unwrap();
        assert_eq!(cost_f, cost_c);
        assert_eq!(gradients_f, gradients_c);

        let mut stepped_f = fortran.clone();
        let mut stepped_c = contiguous.clone();
        stepped_f.train_step(inputs, &y, 0.5).unwrap();
        stepped_c.train_step(inputs, &y, 0.5).unwrap();
        assert_eq!(stepped_f, stepped_c);
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fortran.safetensors");
    mlp::model::save(&path, &fortran, None).unwrap();
    let loaded = mlp::model::load(&path).unwrap().to_mlp::<f64>().unwrap();
    assert_eq!(loaded, contiguous, "the saved Fortran-order network");
}
