//! The subcommands of `mlp` on small synthetic corpora written by the tests.

mod common;

use std::path::{Path, PathBuf};

use common::{mlp, mlp_with_input, number_after, review_line, write_corpus};
use mlp::corpus::{Corpus, CorpusOptions};
use mlp::{Activation, Mlp, Network, Sgd};
use tempfile::TempDir;

/// Reviews per class in the synthetic corpora; 80 documents, of which the
/// last 16 are the test split.
const REVIEWS: usize = 40;

/// Options that fit the synthetic corpus to 100% accuracy in well under a
/// second.
const FAST_TRAINING: [&str; 8] = [
    "--epochs",
    "30",
    "--batch-size",
    "8",
    "--learning-rate",
    "0.5",
    "--hidden",
    "4",
];

/// Creates a temporary directory with the synthetic domain `toy`.
fn corpus_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    write_corpus(dir.path(), "toy", REVIEWS);
    dir
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// Trains on `toy` with `extra` options and saves the model; returns its
/// path and the output of `mlp train`.
fn train_model(dir: &TempDir, extra: &[&str]) -> (PathBuf, String) {
    let model = dir.path().join("model.safetensors");
    let mut args = vec![
        "train",
        "--domain",
        "toy",
        "--data-dir",
        path_str(dir.path()),
        "--save",
        path_str(&model),
    ];
    args.extend(FAST_TRAINING);
    args.extend(extra);
    let output = mlp(&args).success().to_owned();
    (model, output)
}

#[test]
fn info_prints_statistics() {
    let dir = corpus_dir();
    let run = mlp(&[
        "info",
        "--domain",
        "toy",
        "--data-dir",
        path_str(dir.path()),
    ]);
    let output = run.success();

    assert!(
        output.contains("reviews:     80 (40 positive, 40 negative; 50.0% positive)"),
        "{output}"
    );

    // 4 + 4 sentiment words and 6 shared words reach the minimum count; the
    // 80 rare words do not.
    assert!(
        output.contains("features:    14 kept (total count at least 5) of 94 distinct names"),
        "{output}"
    );

    assert!(
        output.contains("train split: 64 reviews (32 positive, 32 negative)"),
        "{output}"
    );
    assert!(output.contains("devel split: 0 reviews"), "{output}");
    assert!(
        output.contains("test split:  16 reviews (8 positive, 8 negative)"),
        "{output}"
    );

    // Each review has 2 sentiment words and 3 distinct shared words.
    assert!(
        output.contains("non-zeros:   400 of the 80 × 14 count matrix"),
        "{output}"
    );
    assert!(
        output.contains("per review:  5.0 distinct kept features"),
        "{output}"
    );
}

#[test]
fn info_min_count_keeps_rare_words() {
    let dir = corpus_dir();
    let run = mlp(&[
        "info",
        "--data-dir",
        path_str(&dir.path().join("toy")),
        "--min-count",
        "1",
    ]);
    assert!(
        run.success().contains("features:    94 kept"),
        "{}",
        run.stdout
    );
}

#[test]
fn train_reports_epochs_and_accuracy() {
    let dir = corpus_dir();
    let (model, output) = train_model(&dir, &[]);
    assert!(model.is_file());
    assert!(
        output.contains("network [14, 4, 2], activations sigmoid, softmax, f64, sparse input"),
        "{output}"
    );
    assert_eq!(
        output
            .lines()
            .filter(|line| line.starts_with("epoch "))
            .count(),
        30
    );
    assert!(output.contains("epoch  30/30: mean cost "), "{output}");
    assert_eq!(number_after(&output, "test accuracy"), 1.0, "{output}");
    assert_eq!(number_after(&output, "train accuracy"), 1.0, "{output}");
}

#[test]
fn train_without_hidden_is_log_linear() {
    let dir = corpus_dir();
    let run = mlp(&[
        "train",
        "--data-dir",
        path_str(dir.path()),
        "--domain",
        "toy",
        "--learning-rate",
        "0.5",
        "--epochs",
        "10",
    ]);
    let output = run.success();
    assert!(
        output.contains("network [14, 2], activations softmax,"),
        "{output}"
    );
    assert!(number_after(output, "test accuracy") >= 0.9, "{output}");
}

#[test]
fn train_hidden_layers_and_activations() {
    let dir = corpus_dir();
    let forms: [&[&str]; 2] = [&["--hidden", "3,2"], &["--hidden", "3", "--hidden", "2"]];
    for hidden in forms {
        let mut args = vec![
            "train",
            "--data-dir",
            path_str(dir.path()),
            "--domain",
            "toy",
        ];
        args.extend(hidden);
        args.extend(["--activation", "tanh,relu", "--epochs", "1"]);
        let output = mlp(&args).success().to_owned();
        assert!(
            output.contains("network [14, 3, 2, 2], activations tanh, relu, softmax,"),
            "{hidden:?} gave {output}"
        );
    }
}

#[test]
fn train_dense_and_f32_agree() {
    let dir = corpus_dir();
    let (_, sparse) = train_model(&dir, &[]);
    let (_, dense) = train_model(&dir, &["--dense"]);
    let (_, single) = train_model(&dir, &["--float", "f32"]);
    assert!(dense.contains("f64, dense input"), "{dense}");
    assert!(single.contains("f32, sparse input"), "{single}");
    let test_accuracy = number_after(&sparse, "test accuracy");
    assert_eq!(number_after(&dense, "test accuracy"), test_accuracy);
    assert_eq!(number_after(&single, "test accuracy"), test_accuracy);
}

#[test]
fn train_with_devel_split() {
    let dir = corpus_dir();
    let (_, output) = train_model(
        &dir,
        &["--train-fraction", "0.6", "--devel-fraction", "0.2"],
    );
    assert!(output.contains("train 48, devel 16, test 16"), "{output}");
    assert!(
        output.contains("devel accuracy 1.000000 (16 of 16)"),
        "{output}"
    );
    assert!(!output.contains("devel accuracy -"), "{output}");
}

#[test]
fn train_epochs_match_library_training() {
    // The command line trains one epoch per call of the trainer; the
    // weights must be those of one call for all epochs.
    let dir = corpus_dir();
    let (model, _) = train_model(
        &dir,
        &["--shuffle", "--seed", "7", "--feature-order", "first-seen"],
    );
    let saved = mlp::model::load(&model).unwrap();

    let options = CorpusOptions {
        feature_order: mlp::corpus::FeatureOrder::FirstSeen,
        ..CorpusOptions::default()
    };
    let corpus = Corpus::load(dir.path().join("toy"), &options).unwrap();
    let mut net =
        Mlp::<f64>::new(&[14, 4, 2], &[Activation::Sigmoid, Activation::Softmax], 7).unwrap();
    Sgd::new(30, 8, 0.5)
        .unwrap()
        .shuffled(7)
        .train(&mut net, &corpus.train(), None, &mut ())
        .unwrap();

    for (name, values) in saved.parameters() {
        let expected = net.parameter(name).unwrap();
        assert_eq!(values.view(), expected, "parameter {name}");
    }
}

#[test]
fn train_writes_plots() {
    let dir = corpus_dir();
    let curves = dir.path().join("curves.svg");
    let weights = dir.path().join("weights");
    let (_, output) = train_model(
        &dir,
        &[
            "--plot",
            path_str(&curves),
            "--plot-weights",
            path_str(&weights),
        ],
    );
    assert!(output.contains("wrote the learning curves to"), "{output}");
    assert!(output.contains("wrote 4 parameter plots to"), "{output}");
    let svg = std::fs::read_to_string(&curves).unwrap();
    assert!(svg.contains("mean cross-entropy (nats)"));
    for name in ["W1.svg", "b1.svg", "W2.svg", "b2.svg"] {
        assert!(weights.join(name).is_file(), "{name} is missing");
    }
}

#[test]
fn round_trip_eval_matches_train() {
    let dir = corpus_dir();
    let (model, trained) = train_model(&dir, &[]);
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--domain",
        "toy",
        "--data-dir",
        path_str(dir.path()),
    ]);
    let output = run.success();

    assert!(output.contains("test split, 16 reviews"), "{output}");
    assert!(
        output.contains("model features found in the corpus: 14 of 14"),
        "{output}"
    );
    assert_eq!(
        number_after(output, "accuracy"),
        number_after(&trained, "test accuracy"),
        "{output}"
    );

    // Every one of the 16 reviews is right, so each has p(true class) > 0.5.
    let log_probability = number_after(output, "log-probability");
    assert!(log_probability < 0.0, "{output}");
    assert!(log_probability > 16.0 * 0.5f64.ln(), "{output}");

    assert!(output.contains("confusion matrix (rows: true class, columns: predicted class)"));
    assert!(
        output.contains("  positive          8          0"),
        "{output}"
    );
    assert!(
        output.contains("  negative          0          8"),
        "{output}"
    );
}

#[test]
fn eval_on_other_domain_maps_features() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    // A domain whose reviews use the words in another order of first
    // appearance and add words the model has never seen.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    for (positive, file) in [(true, "positive.review"), (false, "negative.review")] {
        let lines: Vec<String> = (0..20)
            .rev()
            .map(|index| format!("unseen_{index}:3 {}", review_line(positive, index)))
            .collect();
        std::fs::write(other.join(file), lines.join("\n")).unwrap();
    }
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--data-dir",
        path_str(&other),
        "--split",
        "all",
    ]);
    let output = run.success();
    assert!(output.contains("all split, 40 reviews"), "{output}");
    assert!(
        output.contains("model features found in the corpus: 14 of 14"),
        "{output}"
    );
    assert_eq!(number_after(output, "accuracy"), 1.0, "{output}");
}

#[test]
fn eval_f32_model() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &["--float", "f32"]);
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--data-dir",
        path_str(&dir.path().join("toy")),
    ]);
    let output = run.success();
    assert!(output.contains("cost cross_entropy, f32"), "{output}");
    assert_eq!(number_after(output, "accuracy"), 1.0, "{output}");
}

#[test]
fn eval_empty_split_is_error() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--data-dir",
        path_str(&dir.path().join("toy")),
        "--split",
        "devel",
    ]);
    let line = run.failure(2);
    assert!(line.contains("the devel split of toy is empty"), "{line}");
}

#[test]
fn eval_model_without_features() {
    let dir = corpus_dir();
    let model = dir.path().join("bare.safetensors");
    let net = Mlp::<f64>::new(&[14, 2], &[Activation::Softmax], 1).unwrap();
    mlp::model::save(&model, &net, None).unwrap();
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--data-dir",
        path_str(&dir.path().join("toy")),
    ]);
    let line = run.failure(1);
    assert!(line.contains("has no feature names"), "{line}");
}

#[test]
fn eval_missing_model_file() {
    let dir = corpus_dir();
    let model = dir.path().join("absent.safetensors");
    let run = mlp(&[
        "eval",
        "--model",
        path_str(&model),
        "--data-dir",
        path_str(dir.path()),
    ]);
    let line = run.failure(1);
    assert!(line.contains("absent.safetensors"), "{line}");
    assert!(line.contains("No such file"), "{line}");
}

#[test]
fn predict_file_and_stdin() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    let lines = [
        review_line(true, 3),
        "great:2 excellent:1 the:1".to_owned(),
        String::new(),
        "awful:1 boring:2 book:1 #label#:negative".to_owned(),
    ];
    let text = lines.join("\n") + "\n";
    let input = dir.path().join("reviews.txt");
    std::fs::write(&input, &text).unwrap();

    let from_file = mlp(&["predict", "--model", path_str(&model), path_str(&input)]);
    let from_stdin = mlp_with_input(&["predict", "--model", path_str(&model)], &text);
    let from_dash = mlp_with_input(&["predict", "--model", path_str(&model), "-"], &text);
    for run in [&from_file, &from_stdin, &from_dash] {
        let output = run.success();
        let rows: Vec<Vec<&str>> = output
            .lines()
            .map(|line| line.split('\t').collect())
            .collect();
        assert_eq!(rows.len(), 3, "the blank line 3 gives no output: {output}");
        let numbers: Vec<&str> = rows.iter().map(|row| row[0]).collect();
        assert_eq!(numbers, ["1", "2", "4"]);
        let classes: Vec<&str> = rows.iter().map(|row| row[1]).collect();
        assert_eq!(classes, ["positive", "positive", "negative"]);
        for row in &rows {
            let probability: f64 = row[2].parse().unwrap();
            assert!((0.5..=1.0).contains(&probability), "{row:?}");
        }
        assert!(run.stderr.is_empty(), "{}", run.stderr);
    }
}

#[test]
fn predict_bad_line_reported_and_skipped() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    let text = "great:1\nbroken\nawful:1\ngood:x #label#:positive\n";
    let run = mlp_with_input(&["predict", "--model", path_str(&model)], text);
    assert_eq!(run.code, 1, "{run:?}");

    let numbers: Vec<&str> = run
        .stdout
        .lines()
        .map(|line| line.split('\t').next().unwrap())
        .collect();
    assert_eq!(numbers, ["1", "3"], "the valid lines are still classified");

    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert_eq!(
        errors[0],
        "error: standard input: line 2: feature token \"broken\" has no ':'; expected name:count"
    );
    assert!(
        errors[1].starts_with("error: standard input: line 4: "),
        "{}",
        errors[1]
    );
    assert!(errors[1].contains("\"good:x\""), "{}", errors[1]);
    assert_eq!(
        errors[2],
        "error: 2 of 4 review lines were invalid; each is reported above"
    );
}

#[test]
fn predict_invalid_utf8_line() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    let input = dir.path().join("latin1.txt");
    std::fs::write(&input, b"great:1\ncaf\xe9:1\n").unwrap();
    let run = mlp(&["predict", "--model", path_str(&model), path_str(&input)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 1);
    assert!(
        run.stderr.contains("line 2: invalid UTF-8 after byte 3"),
        "{}",
        run.stderr
    );
}

#[test]
fn predict_missing_input_file() {
    let dir = corpus_dir();
    let (model, _) = train_model(&dir, &[]);
    let input = dir.path().join("absent.txt");
    let run = mlp(&["predict", "--model", path_str(&model), path_str(&input)]);
    let line = run.failure(1);
    assert!(line.starts_with("error: failed to read "), "{line}");
    assert!(line.contains("absent.txt"), "{line}");
}

#[test]
fn missing_domain_is_one_line() {
    let dir = corpus_dir();
    let run = mlp(&[
        "info",
        "--domain",
        "nope",
        "--data-dir",
        path_str(dir.path()),
    ]);
    let line = run.failure(1);
    assert!(
        line.starts_with("error: corpus \"nope\" not found: no positive.review in "),
        "{line}"
    );
    assert!(line.contains("set MLP_DATA_DIR=DIR"), "{line}");

    let run = mlp(&["info", "--domain", "nope"]);
    let line = run.failure(1);
    assert!(
        line.contains("no --data-dir was given and MLP_DATA_DIR is not set"),
        "{line}"
    );
}

#[test]
fn bad_corpus_line_names_file_and_line() {
    let dir = corpus_dir();
    let file = dir.path().join("toy").join("negative.review");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("awful:one #label#:negative\n");
    std::fs::write(&file, text).unwrap();
    let run = mlp(&[
        "info",
        "--domain",
        "toy",
        "--data-dir",
        path_str(dir.path()),
    ]);
    let line = run.failure(1);
    assert!(line.contains("negative.review: line 41: "), "{line}");
    assert!(line.contains("\"awful:one\""), "{line}");
}

#[test]
fn invalid_values_name_the_option() {
    let cases: [(&[&str], &str); 9] = [
        (
            &["train", "--epochs", "0"],
            "invalid value '0' for '--epochs <N>'",
        ),
        (
            &["train", "--batch-size", "0"],
            "invalid value '0' for '--batch-size <N>'",
        ),
        (
            &["train", "--learning-rate", "-1"],
            "invalid value '-1' for '--learning-rate <RATE>'",
        ),
        (
            &["train", "--learning-rate", "inf"],
            "expected a finite number above 0",
        ),
        (
            &["train", "--train-fraction", "1.5"],
            "expected a number from 0 to 1",
        ),
        (
            &["info", "--devel-fraction", "-0.1"],
            "invalid value '-0.1' for '--devel-fraction",
        ),
        (
            &["train", "--hidden", "0"],
            "omit --hidden for the log-linear model",
        ),
        (
            &["train", "--float", "f16"],
            "invalid value 'f16' for '--float <TYPE>'",
        ),
        (
            &["predict"],
            "the following required arguments were not provided: --model <FILE>",
        ),
    ];
    for (args, expected) in cases {
        let run = mlp(args);
        let line = run.failure(2);
        assert!(line.contains(expected), "{args:?} gave {line:?}");
    }
}

#[test]
fn inconsistent_options_rejected_before_reading() {
    let dir = corpus_dir();
    let data_dir = path_str(dir.path());
    let missing = dir.path().join("absent").join("model.safetensors");
    let cases: [(Vec<&str>, &str); 4] = [
        (
            vec!["--train-fraction", "0.9", "--devel-fraction", "0.2"],
            "--train-fraction 0.9 and --devel-fraction 0.2 sum to",
        ),
        (vec!["--activation", "tanh"], "no --hidden layer was given"),
        (
            vec!["--hidden", "3,2", "--activation", "tanh,relu,sigmoid"],
            "--activation lists 3 activations for 2 hidden layers",
        ),
        (
            vec!["--save", path_str(&missing)],
            "does not exist; create it first",
        ),
    ];
    for (extra, expected) in cases {
        let mut args = vec!["train", "--domain", "toy", "--data-dir", data_dir];
        args.extend(&extra);
        let run = mlp(&args);
        let line = run.failure(2);
        assert!(line.contains(expected), "{extra:?} gave {line:?}");
        assert!(
            run.stdout.is_empty(),
            "{extra:?} started training: {}",
            run.stdout
        );
    }
}

#[test]
fn empty_training_split_rejected() {
    let dir = corpus_dir();
    let run = mlp(&[
        "train",
        "--domain",
        "toy",
        "--data-dir",
        path_str(dir.path()),
        "--train-fraction",
        "0",
    ]);
    let line = run.failure(2);
    assert!(line.contains("the training split is empty"), "{line}");
}

#[test]
fn missing_subcommand_is_one_line() {
    let line = mlp(&[]).failure(2).to_owned();
    assert!(line.contains("a subcommand is required"), "{line}");
}
