//! Networks compiled by `network!` against the runtime `Mlp`, and the
//! contract of their generated API.

mod common;
mod networks;

use mlp::network::ParameterGradients;
use mlp::train::{Sgd, Unfused};
use mlp::{Activation, Csr, Dataset, Error, Float, Inputs, Matrix, Mlp, Network};
use ndarray::{Array2, ArrayViewD, ShapeBuilder};

use common::{random_batch, random_labels, to_csr};
use networks::{Binary, DEEP_GEOMETRY, Deep, Lab, LogLinear, Squared, TANH_GEOMETRY, TanhNet};

/// Asserts that `actual` is within `tolerance` of `expected`, relative to
/// the largest magnitude in `expected`.
fn assert_close(
    actual: ArrayViewD<'_, f64>,
    expected: ArrayViewD<'_, f64>,
    tolerance: f64,
    what: &str,
) {
    assert_eq!(actual.shape(), expected.shape(), "{what}: shapes differ");
    let scale = expected
        .iter()
        .fold(f64::MIN_POSITIVE, |max, v| max.max(v.abs()));
    let difference = actual
        .iter()
        .zip(&expected)
        .fold(0.0f64, |max, (a, b)| max.max((a - b).abs()));
    assert!(
        difference <= tolerance * scale,
        "{what}: max difference {difference:e} exceeds {tolerance:e} × {scale:e}"
    );
}

fn to_f64<F: Float>(view: ArrayViewD<'_, F>) -> ndarray::ArrayD<f64> {
    view.mapv(F::as_f64)
}

/// A batch in float type `F`, dense and sparse, with labels below
/// `classes`.
struct Batch<F> {
    dense: Array2<F>,
    sparse: Csr<F>,
    labels: Vec<usize>,
}

fn batch<F: Float>(rows: usize, cols: usize, classes: usize, seed: u32) -> Batch<F> {
    let x = random_batch(rows, cols, seed);
    Batch {
        dense: x.mapv(F::from_f64),
        sparse: to_csr(&x).map(F::from_f64),
        labels: random_labels(rows, classes, seed + 1),
    }
}

/// Returns the runtime network of `geometry` after one SGD step, so that
/// its biases are not 0.
fn trained_runtime<F: Float>(geometry: &[usize], activations: &[Activation], seed: u32) -> Mlp<F> {
    let mut net = Mlp::new(geometry, activations, seed).unwrap();
    let data: Batch<F> = batch(9, geometry[0], *geometry.last().unwrap(), seed + 7);
    net.train_step(
        Inputs::Dense(data.dense.view()),
        &data.labels,
        F::from_f64(0.5),
    )
    .unwrap();
    net
}

/// Checks that `compiled`, built from the weights of `runtime`, computes the
/// runtime's probabilities, cost and gradients on dense and sparse batches.
fn check_equivalence<F, N>(runtime: &Mlp<F>, tolerance: f64)
where
    F: Float,
    N: Network<F> + for<'a> TryFrom<&'a Mlp<F>, Error = Error>,
{
    let compiled = N::try_from(runtime).unwrap();
    assert_eq!(compiled.parameter_names(), runtime.parameter_names());
    assert_eq!(compiled.input_width(), runtime.input_width());
    assert_eq!(compiled.classes(), runtime.classes());

    let data: Batch<F> = batch(11, runtime.input_width(), runtime.classes(), 3);
    for x in [
        Inputs::Dense(data.dense.view()),
        Inputs::Sparse(data.sparse.view()),
    ] {
        let kind = match x {
            Inputs::Dense(_) => "dense",
            Inputs::Sparse(_) => "sparse",
        };
        let expected = runtime.forward(x).unwrap();
        let actual = compiled.forward(x).unwrap();
        assert_close(
            to_f64(actual.view().into_dyn()).view(),
            to_f64(expected.view().into_dyn()).view(),
            tolerance,
            &format!("{kind} forward"),
        );
        let expected = runtime.log_probabilities(x).unwrap();
        let actual = compiled.log_probabilities(x).unwrap();
        assert_close(
            to_f64(actual.view().into_dyn()).view(),
            to_f64(expected.view().into_dyn()).view(),
            tolerance,
            &format!("{kind} log-probabilities"),
        );

        let expected = Float::as_f64(runtime.cost(x, &data.labels).unwrap());
        let actual = Float::as_f64(compiled.cost(x, &data.labels).unwrap());
        assert!(
            (actual - expected).abs() <= tolerance * expected.abs(),
            "{kind} cost {actual} differs from {expected}"
        );

        let expected = runtime.gradients(x, &data.labels).unwrap();
        let actual = compiled.gradients(x, &data.labels).unwrap();
        for name in runtime.parameter_names() {
            assert_close(
                to_f64(actual.gradient(&name).unwrap()).view(),
                to_f64(expected.gradient(&name).unwrap()).view(),
                tolerance,
                &format!("{kind} gradient of {name}"),
            );
        }
    }
}

fn check_both_floats<N32, N64>(geometry: &[usize], activations: &[Activation])
where
    N32: Network<f32> + for<'a> TryFrom<&'a Mlp<f32>, Error = Error>,
    N64: Network<f64> + for<'a> TryFrom<&'a Mlp<f64>, Error = Error>,
{
    check_equivalence::<f64, N64>(&trained_runtime(geometry, activations, 5), 1e-6);
    check_equivalence::<f32, N32>(&trained_runtime(geometry, activations, 5), 1e-4);
}

#[test]
fn log_linear_matches_runtime() {
    check_both_floats::<LogLinear<f32>, LogLinear<f64>>(&[9, 2], &[Activation::Softmax]);
}

#[test]
fn lab_network_matches_runtime() {
    let (geometry, activations) = networks::lab_geometry(30);
    check_both_floats::<Lab<f32>, Lab<f64>>(&geometry, &activations);
}

#[test]
fn tanh_network_matches_runtime() {
    let (geometry, activations) = TANH_GEOMETRY;
    check_both_floats::<TanhNet<f32>, TanhNet<f64>>(&geometry, &activations);
}

#[test]
fn deep_network_matches_runtime() {
    let (geometry, activations) = DEEP_GEOMETRY;
    check_both_floats::<Deep<f32>, Deep<f64>>(&geometry, &activations);
}

fn assert_same_parameters<F: Float>(compiled: &impl Network<F>, runtime: &Mlp<F>) {
    for name in runtime.parameter_names() {
        assert_eq!(
            compiled.parameter(&name).unwrap(),
            runtime.parameter(&name).unwrap(),
            "parameter {name}"
        );
    }
}

#[test]
fn initial_weights_equal_runtime() {
    let (geometry, activations) = networks::lab_geometry(40);
    assert_same_parameters(
        &Lab::<f64>::new(40, 1234).unwrap(),
        &Mlp::new(&geometry, &activations, 1234).unwrap(),
    );
    assert_same_parameters(
        &Lab::<f32>::new(40, 1234).unwrap(),
        &Mlp::new(&geometry, &activations, 1234).unwrap(),
    );
    assert_same_parameters(
        &LogLinear::<f64>::new(13, 7).unwrap(),
        &Mlp::new(&[13, 2], &[Activation::Softmax], 7).unwrap(),
    );
    let (geometry, activations) = TANH_GEOMETRY;
    assert_same_parameters(
        &TanhNet::<f64>::new(3),
        &Mlp::new(&geometry, &activations, 3).unwrap(),
    );
    let (geometry, activations) = DEEP_GEOMETRY;
    assert_same_parameters(
        &Deep::<f64>::new(3),
        &Mlp::new(&geometry, &activations, 3).unwrap(),
    );
}

#[test]
fn lab_weights_start_as_in_lab() {
    let net = Lab::<f64>::new(13989, 1234).unwrap();
    assert_eq!(net.w1[[0, 0]], -0.05107281909912484);
    assert_eq!(net.w1[[0, 1]], 0.02021663661256347);
    assert_eq!(net.w1[[0, 2]], -0.010309952846263695);
    assert!(net.w1.t().is_standard_layout(), "W1 is column-major");
}

#[test]
fn conversions_round_trip() {
    let (geometry, activations) = DEEP_GEOMETRY;
    let runtime = trained_runtime::<f64>(&geometry, &activations, 11);
    let compiled = Deep::from_mlp(&runtime).unwrap();
    assert_same_parameters(&compiled, &runtime);
    assert_eq!(compiled.to_mlp().unwrap(), runtime);
    assert_eq!(Mlp::try_from(&compiled).unwrap(), runtime);
    assert_eq!(Deep::try_from(&runtime).unwrap(), compiled);

    let (geometry, activations) = networks::lab_geometry(17);
    let runtime = trained_runtime::<f32>(&geometry, &activations, 11);
    let compiled = Lab::from_mlp(&runtime).unwrap();
    assert_eq!(compiled.input_width(), 17);
    assert_eq!(compiled.to_mlp().unwrap(), runtime);
}

#[test]
fn conversion_rejects_other_networks() {
    let other_width =
        Mlp::<f64>::new(&[7, 4, 3], &[Activation::Tanh, Activation::Softmax], 1).unwrap();
    let error = TanhNet::from_mlp(&other_width).unwrap_err();
    assert!(matches!(error, Error::InvalidNetwork(_)), "{error}");
    assert!(error.to_string().contains("TanhNet"), "{error}");

    let other_activation =
        Mlp::<f64>::new(&[7, 5, 3], &[Activation::Relu, Activation::Softmax], 1).unwrap();
    assert!(matches!(
        TanhNet::from_mlp(&other_activation),
        Err(Error::InvalidNetwork(_))
    ));
    let deeper = Mlp::<f64>::new(
        &[30, 20, 2, 2],
        &[
            Activation::Sigmoid,
            Activation::Sigmoid,
            Activation::Softmax,
        ],
        1,
    )
    .unwrap();
    assert!(matches!(
        Lab::from_mlp(&deeper),
        Err(Error::InvalidNetwork(_))
    ));
}

#[test]
fn non_softmax_outputs_have_no_runtime_form() {
    let binary = Binary::<f64>::new(1);
    assert!(matches!(binary.to_mlp(), Err(Error::InvalidNetwork(_))));
    let squared = Squared::<f64>::new(1);
    assert!(matches!(squared.to_mlp(), Err(Error::InvalidNetwork(_))));

    let runtime = Mlp::<f64>::new(&[6, 4, 2], &[Activation::Tanh, Activation::Softmax], 1).unwrap();
    assert!(matches!(
        Binary::from_mlp(&runtime),
        Err(Error::InvalidNetwork(_))
    ));
}

#[test]
fn layer_method_computes_one_layer() {
    let net = Lab::<f64>::new(12, 9).unwrap();
    let data: Batch<f64> = batch(6, 12, 2, 4);
    let mut expected = Array2::zeros((6, 20));
    mlp::ops::linear(
        Inputs::Dense(data.dense.view()),
        net.w1.view(),
        net.b1.view(),
        expected.view_mut(),
    );
    expected.mapv_inplace(mlp::ops::sigmoid);
    let hidden = net.hidden(&data.dense).unwrap();
    assert_close(
        hidden.view().into_dyn(),
        expected.view().into_dyn(),
        1e-14,
        "hidden",
    );
    assert_eq!(net.hidden(&data.sparse).unwrap(), hidden);

    let probabilities = net.output(&hidden).unwrap();
    assert_close(
        probabilities.view().into_dyn(),
        net.forward(&data.dense).unwrap().view().into_dyn(),
        1e-14,
        "output",
    );
    assert!(matches!(
        net.output(&data.dense),
        Err(Error::InputWidth {
            expected: 20,
            actual: 12
        })
    ));
}

#[test]
fn graph_constants_show_the_layers() {
    let first = "\
sigmoid 'a1' [batch, 20]
 |add 'z1'
   |dot
   | |x [batch, input]
   | |W1ᵀ [input, 20]
   |b1 [20]";
    assert_eq!(Lab::<f64>::LAYER_GRAPHS[0], first);
    assert_eq!(Lab::<f64>::LAYER_NAMES, ["hidden", "output"]);
    assert_eq!(Lab::<f64>::LAYER_WIDTHS, [20, 2]);
    assert!(Lab::<f64>::LAYER_GRAPHS[1].starts_with("softmax 'a2' [batch, 2]\n"));
    assert!(Lab::<f64>::LAYER_GRAPHS[1].contains("| |a1 [batch, 20]\n"));
    assert!(Lab::<f64>::FORWARD_GRAPH.starts_with("softmax 'a2' [batch, 2]\n |add 'z2'\n"));
    assert!(Lab::<f64>::FORWARD_GRAPH.contains("   | |sigmoid 'a1' [batch, 20]\n"));
    assert!(
        Lab::<f64>::COST_GRAPH.starts_with("mean 'cost' []\n |softmax_cross_entropy [batch]\n")
    );
    assert!(Lab::<f64>::COST_GRAPH.ends_with("\n   |y [batch]"));
    assert!(TanhNet::<f64>::FORWARD_GRAPH.contains("x [batch, 7]"));
}

/// Checks that the fused step leaves the same bits as the gradients
/// followed by the update, and returns the same cost.
fn check_fused_step<N: Network<f64> + Clone + PartialEq + std::fmt::Debug>(
    net: &N,
    classes: usize,
) {
    let data: Batch<f64> = batch(7, net.input_width(), classes, 21);
    for x in [
        Inputs::Dense(data.dense.view()),
        Inputs::Sparse(data.sparse.view()),
    ] {
        let mut fused = net.clone();
        let mut unfused = net.clone();
        for step in 0..3 {
            let fused_cost = fused.train_step(x, &data.labels, 0.3).unwrap();
            let unfused_cost = Unfused(&mut unfused)
                .train_step(x, &data.labels, 0.3)
                .unwrap();
            assert_eq!(fused_cost, unfused_cost, "cost of step {step}");
            assert_eq!(fused, unfused, "parameters after step {step}");
        }
        assert_ne!(&fused, net, "the steps changed the parameters");
    }
}

#[test]
fn fused_step_equals_gradients_then_update() {
    check_fused_step(&LogLinear::new(9, 1).unwrap(), 2);
    check_fused_step(&Lab::new(15, 1).unwrap(), 2);
    check_fused_step(&TanhNet::new(1), 3);
    check_fused_step(&Deep::new(1), 3);
    check_fused_step(&Binary::new(1), 2);
    check_fused_step(&Squared::new(1), 3);
}

#[test]
fn fused_step_follows_runtime_step() {
    let (geometry, activations) = networks::lab_geometry(25);
    let mut runtime = Mlp::<f64>::new(&geometry, &activations, 2).unwrap();
    let mut compiled = Lab::new(25, 2).unwrap();
    let data: Batch<f64> = batch(40, 25, 2, 8);
    let sparse = Dataset::new(Matrix::Sparse(data.sparse.clone()), data.labels.clone());
    for minibatch in sparse.minibatches(5) {
        let expected = runtime.train_step(minibatch.x, minibatch.y, 0.05).unwrap();
        let actual = compiled.train_step(minibatch.x, minibatch.y, 0.05).unwrap();
        assert!(
            (actual - expected).abs() <= 1e-12 * expected,
            "cost {actual} vs {expected}"
        );
    }
    for name in runtime.parameter_names() {
        assert_close(
            compiled.parameter(&name).unwrap(),
            runtime.parameter(&name).unwrap(),
            1e-12,
            &name,
        );
    }
}

#[test]
fn invalid_batches_change_nothing() {
    let mut net = Lab::<f64>::new(10, 3).unwrap();
    let before = net.clone();
    let data: Batch<f64> = batch(4, 10, 2, 5);
    let narrow: Batch<f64> = batch(4, 9, 2, 5);

    let error = net
        .train_step(&narrow.dense, &data.labels, 0.1)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InputWidth {
                expected: 10,
                actual: 9
            }
        ),
        "{error}"
    );
    let error = net
        .train_step(&data.sparse, &[0, 1, 2, 0], 0.1)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::LabelOutOfRange {
                example: 2,
                label: 2,
                classes: 2
            }
        ),
        "{error}"
    );
    let error = net.train_step(&data.dense, &[0, 1], 0.1).unwrap_err();
    assert!(
        matches!(
            error,
            Error::LabelCount {
                examples: 4,
                labels: 2
            }
        ),
        "{error}"
    );
    assert!(matches!(
        net.forward(&narrow.sparse),
        Err(Error::InputWidth { .. })
    ));
    assert!(matches!(
        net.cost(&data.dense, &[0, 5, 0, 0]),
        Err(Error::LabelOutOfRange { .. })
    ));
    assert!(matches!(
        net.grads(&narrow.dense, &data.labels),
        Err(Error::InputWidth { .. })
    ));
    assert_eq!(net, before);
}

#[test]
fn reassigned_parameter_reports_shape() {
    let mut net = Lab::<f64>::new(10, 3).unwrap();
    let data: Batch<f64> = batch(4, 10, 2, 5);
    net.w2 = Array2::zeros((3, 20));
    let error = net.forward(&data.dense).unwrap_err();
    assert!(
        matches!(&error, Error::ParameterShape { name, expected, actual }
            if name == "W2" && expected == &[2, 20] && actual == &[3, 20]),
        "{error}"
    );
    let before = net.clone();
    assert!(matches!(
        net.train_step(&data.dense, &data.labels, 0.1),
        Err(Error::ParameterShape { .. })
    ));
    assert_eq!(net, before);
    assert!(matches!(net.to_mlp(), Err(Error::ParameterShape { .. })));
}

#[test]
fn any_weight_layout_gives_same_results() {
    let net = Deep::<f64>::new(4);
    let mut row_major = net.clone();
    row_major.w1 = row_major.w1.as_standard_layout().into_owned();
    row_major.w3 = row_major.w3.as_standard_layout().into_owned();
    let mut reversed = net.clone();
    let mut flipped = net.w2.clone();
    flipped.invert_axis(ndarray::Axis(0));
    let mut w2 = Array2::zeros((6, 7).f());
    w2.assign(&flipped);
    w2.invert_axis(ndarray::Axis(0));
    reversed.w2 = w2;

    let data: Batch<f64> = batch(6, 8, 3, 2);
    for mut other in [row_major, reversed] {
        assert_eq!(
            other.forward(&data.sparse).unwrap(),
            net.forward(&data.sparse).unwrap()
        );
        let mut fused = net.clone();
        fused.train_step(&data.sparse, &data.labels, 0.2).unwrap();
        other.train_step(&data.sparse, &data.labels, 0.2).unwrap();
        assert_eq!(other, fused);
    }
}

#[test]
fn empty_batch_changes_nothing() {
    let mut net = Lab::<f64>::new(10, 3).unwrap();
    let before = net.clone();
    let empty = Array2::<f64>::zeros((0, 10));
    assert_eq!(net.train_step(&empty, &[], 0.1).unwrap(), 0.0);
    assert_eq!(net.cost(&empty, &[]).unwrap(), 0.0);
    let gradients = net.grads(&empty, &[]).unwrap();
    assert!(gradients.w1.iter().all(|&g| g == 0.0));
    assert!(gradients.b2.iter().all(|&g| g == 0.0));
    assert_eq!(net.forward(&empty).unwrap().dim(), (0, 2));
    assert_eq!(net, before);
}

#[test]
fn diverging_step_reports_non_finite() {
    let mut net = LogLinear::<f64>::new(10, 3).unwrap();
    let data: Batch<f64> = batch(4, 10, 2, 5);
    let large = data.dense.mapv(|v| v * 1e6);
    let error = net.train_step(&large, &data.labels, f64::MAX).unwrap_err();
    assert!(
        matches!(&error, Error::NonFinite { what } if what == "parameter W1"),
        "{error}"
    );

    let mut net = LogLinear::<f64>::new(10, 3).unwrap();
    let gradients = net.grads(&large, &data.labels).unwrap();
    let error = net.apply_gradients(&gradients, f64::MAX).unwrap_err();
    assert!(
        matches!(&error, Error::NonFinite { what } if what == "parameter W1"),
        "{error}"
    );
}

#[test]
fn mismatched_gradients_are_rejected() {
    let mut net = Lab::<f64>::new(10, 3).unwrap();
    let mut gradients = net
        .grads(&batch::<f64>(2, 10, 2, 1).dense, &[0, 1])
        .unwrap();
    gradients.b1 = ndarray::Array1::zeros(3);
    let before = net.clone();
    let error = net.apply_gradients(&gradients, 0.1).unwrap_err();
    assert!(matches!(error, Error::ParameterShape { .. }), "{error}");
    assert_eq!(net, before);
}

#[test]
fn binary_output_gives_two_classes() {
    let net = Binary::<f64>::new(6);
    assert_eq!(net.classes(), 2);
    let data: Batch<f64> = batch(5, 6, 2, 9);
    let probabilities = net.forward(&data.dense).unwrap();
    assert_eq!(probabilities.dim(), (5, 2));
    let unit = net.output(&net.hidden(&data.dense).unwrap()).unwrap();
    for (row, p) in probabilities.rows().into_iter().zip(unit.iter()) {
        assert!((row[1] - p).abs() < 1e-15);
        assert!((row[0] + row[1] - 1.0).abs() < 1e-15);
    }
    let log_probabilities = net.log_probabilities(&data.dense).unwrap();
    assert_close(
        log_probabilities.view().into_dyn(),
        probabilities.mapv(f64::ln).view().into_dyn(),
        1e-12,
        "log-probabilities",
    );
    let cost = net.cost(&data.dense, &data.labels).unwrap();
    let expected = -data
        .labels
        .iter()
        .zip(probabilities.rows())
        .map(|(&label, row)| row[label].ln())
        .sum::<f64>()
        / 5.0;
    assert!((cost - expected).abs() < 1e-12, "{cost} vs {expected}");
    assert!(matches!(
        net.cost(&data.dense, &[0, 1, 2, 0, 1]),
        Err(Error::LabelOutOfRange { .. })
    ));
}

#[test]
fn squared_error_uses_one_hot_targets() {
    let net = Squared::<f64>::new(6);
    assert_eq!(net.classes(), 3);
    let data: Batch<f64> = batch(5, 6, 3, 9);
    let outputs = net.forward(&data.sparse).unwrap();
    let mut expected = 0.0;
    for (row, &label) in outputs.rows().into_iter().zip(&data.labels) {
        for (class, &o) in row.iter().enumerate() {
            let target = if class == label { 1.0 } else { 0.0 };
            expected += 0.5 * (o - target) * (o - target);
        }
    }
    expected /= 5.0;
    let cost = net.cost(&data.sparse, &data.labels).unwrap();
    assert!((cost - expected).abs() < 1e-12, "{cost} vs {expected}");
}

#[test]
fn sgd_trains_compiled_network() {
    // Class 1 when the first feature is larger than the second.
    let x = random_batch(200, 6, 17);
    let y: Vec<usize> = x
        .rows()
        .into_iter()
        .map(|row| usize::from(row[0] > row[1]))
        .collect();
    let data = Dataset::new(Matrix::Sparse(to_csr(&x)), y);
    let mut net = Lab::<f64>::new(6, 1).unwrap();
    let before = mlp::metrics::evaluate(&net, &data).unwrap().accuracy;
    Sgd::new(20, 10, 0.5)
        .unwrap()
        .train(&mut net, &data, None, &mut ())
        .unwrap();
    let after = mlp::metrics::evaluate(&net, &data).unwrap().accuracy;
    assert!(after > 0.9, "accuracy {before} became {after}");
}

#[test]
fn architecture_describes_declaration() {
    let architecture = Binary::<f64>::new(1).architecture();
    assert_eq!(architecture.geometry, vec![6, 4, 1]);
    assert_eq!(
        architecture.activations,
        vec![Activation::Tanh, Activation::Sigmoid]
    );
    assert_eq!(architecture.cost, mlp::Cost::BinaryCrossEntropy);

    let (geometry, activations) = networks::lab_geometry(30);
    let compiled = Lab::<f64>::new(30, 1).unwrap();
    let runtime = Mlp::<f64>::new(&geometry, &activations, 1).unwrap();
    assert_eq!(compiled.architecture(), runtime.architecture());
    assert_eq!(
        Squared::<f32>::new(1).architecture().cost,
        mlp::Cost::SquaredError
    );
}

#[test]
fn saved_model_loads_into_compiled_network() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("deep.safetensors");
    let (geometry, activations) = DEEP_GEOMETRY;
    let runtime = trained_runtime::<f64>(&geometry, &activations, 4);
    mlp::model::save(&path, &runtime, None).unwrap();

    let mut compiled = Deep::<f64>::new(99);
    mlp::model::load(&path)
        .unwrap()
        .load_into(&mut compiled)
        .unwrap();
    assert_eq!(compiled.to_mlp().unwrap(), runtime);

    let path = directory.path().join("binary.safetensors");
    let binary = Binary::<f64>::new(5);
    mlp::model::save(&path, &binary, None).unwrap();
    let mut loaded = Binary::<f64>::new(6);
    mlp::model::load(&path)
        .unwrap()
        .load_into(&mut loaded)
        .unwrap();
    assert_eq!(loaded, binary);
}
