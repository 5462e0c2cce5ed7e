//! The SGD trainer and the runtime MLP on inputs that do not fit: errors
//! before anything changes, and empty batches that change nothing.

mod common;

use mlp::train::{EpochRecord, Observer};
use mlp::{Activation, Dataset, Error, Inputs, Matrix, Mlp, Network, Sgd};
use ndarray::Array2;

use common::{random_batch, random_labels};

fn small_net() -> Mlp<f64> {
    Mlp::new(&[6, 4, 2], &[Activation::Sigmoid, Activation::Softmax], 7).unwrap()
}

fn small_data(rows: usize) -> Dataset<f64> {
    Dataset::new(
        Matrix::Dense(random_batch(rows, 6, 11)),
        random_labels(rows, 2, 12),
    )
}

#[test]
fn invalid_geometries_are_rejected() {
    use Activation::*;
    let cases: [(&[usize], &[Activation], &str); 6] = [
        (&[6], &[], "at least one layer"),
        (&[6, 0, 2], &[Sigmoid, Softmax], "is 0"),
        (&[6, 4, 2], &[Softmax], "2 layers but 1 activations"),
        (
            &[6, 4, 2],
            &[Softmax, Softmax],
            "softmax is only for the output",
        ),
        (&[6, 4, 2], &[Sigmoid, Tanh], "output layer is tanh"),
        (&[6, 1], &[Softmax], "at least 2 classes"),
    ];
    for (geometry, activations, expected) in cases {
        let error = Mlp::<f64>::new(geometry, activations, 1).unwrap_err();
        assert!(matches!(error, Error::InvalidNetwork(_)), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn invalid_settings_are_rejected() {
    let cases = [
        (0, 5, 0.05, "epochs"),
        (1, 0, 0.05, "batch size"),
        (1, 5, 0.0, "learning rate"),
        (1, 5, -0.1, "learning rate"),
        (1, 5, f64::NAN, "learning rate"),
        (1, 5, f64::INFINITY, "learning rate"),
    ];
    for (epochs, batch_size, learning_rate, expected) in cases {
        let error = Sgd::new(epochs, batch_size, learning_rate).unwrap_err();
        assert!(matches!(error, Error::InvalidConfig(_)), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn empty_training_set_is_rejected() {
    let mut net = small_net();
    let empty = small_data(0);
    let error = Sgd::new(1, 5, 0.1)
        .unwrap()
        .train(&mut net, &empty, None, &mut ())
        .unwrap_err();
    assert!(error.to_string().contains("no examples"), "{error}");
}

#[test]
fn wrong_width_names_both_widths() {
    let mut net = small_net();
    let before = net.clone();
    let data = Dataset::new(Matrix::Dense(Array2::zeros((3, 5))), vec![0, 1, 0]);
    let error = Sgd::new(1, 2, 0.1)
        .unwrap()
        .train(&mut net, &data, None, &mut ())
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InputWidth {
                expected: 6,
                actual: 5
            }
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains('6') && message.contains('5'), "{message}");
    assert_eq!(net, before);

    let error = net
        .forward(Inputs::Dense(Array2::zeros((1, 7)).view()))
        .unwrap_err();
    assert!(matches!(
        error,
        Error::InputWidth {
            expected: 6,
            actual: 7
        }
    ));
}

#[test]
fn label_out_of_range_changes_nothing() {
    let mut net = small_net();
    let before = net.clone();
    let mut data = small_data(10);
    data.y[9] = 2;
    let error = Sgd::new(1, 2, 0.1)
        .unwrap()
        .train(&mut net, &data, None, &mut ())
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::LabelOutOfRange {
                label: 2,
                classes: 2,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("label 2"), "{error}");
    assert_eq!(net, before, "no minibatch was trained before the check");

    let batch = data.minibatch(4, 2);
    let error = net.train_step(batch.x, batch.y, 0.1).unwrap_err();
    assert!(matches!(error, Error::LabelOutOfRange { .. }));
    assert_eq!(net, before);
}

#[test]
fn empty_batch_changes_nothing() {
    let mut net = small_net();
    let before = net.clone();
    let data = small_data(10);
    // The lab loops N / bsize + 1 times, so at batch size 5 its last
    // minibatch is empty.
    let batch = data.minibatch(2, 5);
    assert!(batch.is_empty());
    assert_eq!(net.train_step(batch.x, batch.y, 0.1).unwrap(), 0.0);
    assert_eq!(net, before);

    let probabilities = net.forward(batch.x).unwrap();
    assert_eq!(probabilities.dim(), (0, 2));
    assert_eq!(net.cost(batch.x, batch.y).unwrap(), 0.0);
}

#[test]
fn shuffled_runs_repeat() {
    let data = small_data(40);
    let sgd = Sgd::new(3, 4, 0.5).unwrap();
    let mut plain = small_net();
    sgd.train(&mut plain, &data, None, &mut ()).unwrap();

    let mut first = small_net();
    let mut second = small_net();
    sgd.shuffled(9)
        .train(&mut first, &data, None, &mut ())
        .unwrap();
    sgd.shuffled(9)
        .train(&mut second, &data, None, &mut ())
        .unwrap();
    assert_eq!(first, second);
    assert_ne!(first, plain);
}

#[derive(Default)]
struct Recorder {
    started: Vec<(usize, usize, usize)>,
    batches: Vec<usize>,
    finished: Vec<EpochRecord>,
}

impl Observer for Recorder {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, batches: usize) {
        self.started.push((epoch, epochs, batches));
    }

    fn batch_finished(&mut self, batch: usize, _batches: usize, cost: f64) {
        assert!(cost.is_finite());
        self.batches.push(batch);
    }

    fn epoch_finished(&mut self, record: &EpochRecord, _epochs: usize) {
        self.finished.push(*record);
    }
}

#[test]
fn observer_sees_every_batch() {
    let data = small_data(11);
    let devel = small_data(4);
    let mut net = small_net();
    let mut recorder = Recorder::default();
    let records = Sgd::new(2, 5, 0.1)
        .unwrap()
        .train(&mut net, &data, Some(&devel), &mut recorder)
        .unwrap();
    assert_eq!(recorder.started, vec![(1, 2, 3), (2, 2, 3)]);
    assert_eq!(recorder.batches, vec![1, 2, 3, 1, 2, 3]);
    assert_eq!(recorder.finished, records);
    assert_eq!(records[1].epoch, 2);
    assert_eq!(records[1].batches, 3);
    assert_eq!(records[1].devel.unwrap().examples, 4);
}

#[test]
fn divergence_names_epoch_and_batch() {
    let corpus = common::books();
    let train = corpus.train::<f64>();
    let test = corpus.test::<f64>();
    let mut net = Mlp::<f64>::new(
        &[corpus.n_features(), 20, 2],
        &[Activation::Sigmoid, Activation::Softmax],
        1234,
    )
    .unwrap();
    let mut recorder = Recorder::default();
    let error = Sgd::new(2, 5, 1e4)
        .unwrap()
        .train(&mut net, &train, Some(&test), &mut recorder)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Diverged {
                epoch: 1,
                batch: 2,
                ..
            }
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(message.contains("epoch 1, batch 2"), "{message}");
    assert!(
        message.contains("smaller learning rate than 10000"),
        "{message}"
    );
    assert!(recorder.finished.is_empty(), "no epoch was reported");
}

#[test]
fn non_finite_cost_stops_training() {
    // Inputs near f64::MAX make the first updates overflow the weights.
    let huge = random_batch(20, 6, 11).mapv(|v| v * 1e307);
    let data = Dataset::new(Matrix::Dense(huge), random_labels(20, 2, 12));
    let mut net = Mlp::<f64>::new(&[6, 2], &[Activation::Softmax], 7).unwrap();
    let mut recorder = Recorder::default();
    let error = Sgd::new(2, 5, 100.0)
        .unwrap()
        .divergence_factor(None)
        .unwrap()
        .train(&mut net, &data, Some(&small_data(4)), &mut recorder)
        .unwrap_err();
    let Error::Diverged {
        epoch, batch, what, ..
    } = &error
    else {
        panic!("expected divergence, got {error}");
    };
    assert_eq!(*epoch, 1, "{error}");
    assert!(*batch <= 4, "{error}");
    assert!(what.contains("not finite"), "{error}");
    assert!(recorder.finished.is_empty(), "no accuracy is reported");
}

#[test]
fn invalid_divergence_factor_is_rejected() {
    for factor in [0.5, 1.0, f64::NAN, f64::INFINITY] {
        let error = Sgd::new(1, 5, 0.1)
            .unwrap()
            .divergence_factor(Some(factor))
            .unwrap_err();
        assert!(matches!(error, Error::InvalidConfig(_)), "{error}");
    }
}
