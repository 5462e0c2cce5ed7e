//! The lab to the digit: the runtime MLP against figures of an independent
//! NumPy run of the lab on the books corpus (`fixtures/golden-books.json`).

mod common;

use mlp::metrics::evaluate;
use mlp::{Activation, Dataset, Mlp, Network, Sgd};
use serde_json::Value;
use sha2::{Digest, Sha256};

const SEED: u32 = 1234;

fn golden() -> Value {
    serde_json::from_str(include_str!("fixtures/golden-books.json")).unwrap()
}

fn number(value: &Value) -> f64 {
    value.as_f64().expect("a number")
}

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    let error = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        error < tolerance,
        "{what}: {actual} vs {expected} (relative error {error:e})"
    );
}

fn lab_net<F: mlp::Float>() -> Mlp<F> {
    Mlp::new(
        &[13989, 20, 2],
        &[Activation::Sigmoid, Activation::Softmax],
        SEED,
    )
    .unwrap()
}

#[test]
fn initial_weights_match() {
    let golden = &golden()["init"];
    let net = lab_net::<f64>();
    let w1 = net.layers()[0].weight();

    let corner: Vec<f64> = golden["W1_00_01_02"]
        .as_array()
        .unwrap()
        .iter()
        .map(number)
        .collect();
    assert_eq!(w1[[0, 0]], corner[0]);
    assert_eq!(w1[[0, 1]], corner[1]);
    assert_eq!(w1[[0, 2]], corner[2]);
    assert_eq!(w1[[19, 13988]], number(&golden["W1_last"]));
    assert_close(w1.sum(), number(&golden["W1_sum"]), 1e-10, "sum of W1");

    let w2 = net.layers()[1].weight();
    for (row, values) in golden["W2"].as_array().unwrap().iter().enumerate() {
        for (column, value) in values.as_array().unwrap().iter().enumerate() {
            assert_eq!(w2[[row, column]], number(value), "W2[{row}, {column}]");
        }
    }
    assert!(
        net.layers()
            .iter()
            .all(|layer| layer.bias().iter().all(|&b| b == 0.0))
    );
}

#[test]
fn f32_weights_round_f64_draws() {
    let wide = lab_net::<f64>();
    let narrow = lab_net::<f32>();
    for (a, b) in wide.layers().iter().zip(narrow.layers()) {
        assert!(
            a.weight()
                .iter()
                .zip(b.weight())
                .all(|(&a, &b)| a as f32 == b)
        );
    }
}

#[test]
fn log_linear_first_weights_match_notebook() {
    let net = Mlp::<f64>::new(&[13989, 2], &[Activation::Softmax], SEED).unwrap();
    let w = net.layers()[0].weight();
    assert_eq!(format!("{:.8}", w[[0, 0]]), "-0.05110566");
    assert_eq!(format!("{:.8}", w[[0, 1]]), "0.02022964");
    assert_eq!(format!("{:.8}", w[[1, 13988]]), "0.03537327");
}

#[test]
fn two_runs_are_bit_identical() {
    let corpus = common::books();
    let train = corpus.train::<f64>();
    let sgd = Sgd::new(1, 5, 0.05).unwrap();
    let mut first = lab_net::<f64>();
    let mut second = lab_net::<f64>();
    sgd.train(&mut first, &train, None, &mut ()).unwrap();
    sgd.train(&mut second, &train, None, &mut ()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn corpus_matches_lab() {
    let golden = &golden()["data"];
    let corpus = common::books();
    assert_eq!(corpus.n_features(), number(&golden["n_features"]) as usize);
    assert_eq!(corpus.x().nnz(), number(&golden["nnz"]) as usize);
    assert_eq!(
        corpus.x().values().iter().sum::<f64>(),
        number(&golden["X_sum"])
    );

    let mut hasher = Sha256::new();
    for name in corpus.features().names() {
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(digest, golden["features_sha256"].as_str().unwrap());
    for (index, name) in golden["first_features"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(corpus.features().name(index), name.as_str().unwrap());
    }
}

/// Runs the lab's training (2 epochs at batch size 5, then 6 at 128) at
/// `learning_rate` and checks every figure the golden file has for it.
fn check_training<F: mlp::Float>(learning_rate: f64, exact: bool) {
    let golden = &golden()[format!("lr_{learning_rate}").as_str()];
    let corpus = common::books();
    let train: Dataset<F> = corpus.train();
    let test: Dataset<F> = corpus.test();
    let mut net = lab_net::<F>();

    if exact {
        // The first three minibatches one by one: the cost before each
        // update, then the parameters after it.
        let mut probe = lab_net::<F>();
        let lr = F::from_f64(learning_rate);
        for step in golden["first_batches"].as_array().unwrap() {
            let j = number(&step["j"]) as usize;
            let batch = train.minibatch(j, 5);
            let cost = probe.train_step(batch.x, batch.y, lr).unwrap().as_f64();
            assert_close(
                cost,
                number(&step["cost_before"]),
                1e-10,
                &format!("cost of batch {j}"),
            );
            let w1_sum: f64 = probe
                .parameter("W1")
                .unwrap()
                .iter()
                .map(|v| v.as_f64())
                .sum();
            assert_close(
                w1_sum,
                number(&step["W1_sum_after"]),
                1e-10,
                &format!("W1 sum after {j}"),
            );
            let b2 = probe.parameter("b2").unwrap();
            for (k, expected) in step["b2_after"].as_array().unwrap().iter().enumerate() {
                assert_close(
                    b2[[k]].as_f64(),
                    number(expected),
                    1e-10,
                    &format!("b2 after {j}"),
                );
            }
        }
    }

    let epochs = golden["epochs"].as_array().unwrap();
    let mut done = 0;
    for (epochs_run, batch_size) in [(2, 5), (6, 128)] {
        // One epoch per call, so that the train accuracy can be measured
        // after each epoch as the golden run did.
        let sgd = Sgd::new(1, batch_size, learning_rate).unwrap();
        for epoch in 1..=epochs_run {
            let record = sgd.train(&mut net, &train, Some(&test), &mut ()).unwrap()[0];
            let expected = &epochs[done];
            assert_eq!(number(&expected["bsize"]) as usize, batch_size);
            assert_eq!(number(&expected["epoch"]) as usize, epoch);
            let what = format!("epoch {epoch} at batch size {batch_size}");
            let train_accuracy = evaluate(&net, &train).unwrap().accuracy;
            let test_accuracy = record.devel.unwrap().accuracy;
            if exact {
                assert_eq!(
                    train_accuracy,
                    number(&expected["train_acc"]),
                    "train accuracy, {what}"
                );
                assert_eq!(
                    test_accuracy,
                    number(&expected["test_acc"]),
                    "test accuracy, {what}"
                );
                assert_close(
                    record.mean_cost,
                    number(&expected["mean_batch_cost"]),
                    1e-7,
                    &what,
                );
            } else {
                let gap = (train_accuracy - number(&expected["train_acc"])).abs();
                assert!(gap <= 0.005, "f32 train accuracy off by {gap}, {what}");
                let gap = (test_accuracy - number(&expected["test_acc"])).abs();
                assert!(gap <= 0.005, "f32 test accuracy off by {gap}, {what}");
            }
            done += 1;
        }
    }
    assert_eq!(done, epochs.len());

    if exact {
        let last = &golden["final"];
        let w1_sum: f64 = net
            .parameter("W1")
            .unwrap()
            .iter()
            .map(|v| v.as_f64())
            .sum();
        assert_close(w1_sum, number(&last["W1_sum"]), 1e-9, "final W1 sum");
        let b1_sum: f64 = net
            .parameter("b1")
            .unwrap()
            .iter()
            .map(|v| v.as_f64())
            .sum();
        assert_close(b1_sum, number(&last["b1_sum"]), 1e-9, "final b1 sum");
        let w2 = net.parameter("W2").unwrap();
        for (row, values) in last["W2"].as_array().unwrap().iter().enumerate() {
            for (column, value) in values.as_array().unwrap().iter().enumerate() {
                assert_close(w2[[row, column]].as_f64(), number(value), 1e-9, "final W2");
            }
        }
    }
}

#[test]
fn lab_training_at_rate_005() {
    check_training::<f64>(0.05, true);
}

#[test]
fn lab_training_at_rate_001() {
    check_training::<f64>(0.01, true);
}

#[test]
fn f32_training_stays_near_f64() {
    check_training::<f32>(0.05, false);
    check_training::<f32>(0.01, false);
}
