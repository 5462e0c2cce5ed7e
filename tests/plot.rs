//! Learning curves, weight heat maps and bias plots as SVG files.

#![cfg(feature = "plot")]

use mlp::metrics::Evaluation;
use mlp::plot::{BiasPlot, LearningCurves, PlotError, WeightHeatMap, save_parameter_plots};
use mlp::{Activation, EpochRecord, Mlp};
use ndarray::{Array1, Array2};

fn records(epochs: usize, with_devel: bool) -> Vec<EpochRecord> {
    (1..=epochs)
        .map(|epoch| EpochRecord {
            epoch,
            batches: 13,
            batch_size: 128,
            seconds: 0.25,
            mean_cost: 0.7 / epoch as f64,
            train: None,
            devel: with_devel.then_some(Evaluation {
                examples: 200,
                accuracy: 0.5 + 0.05 * epoch as f64,
                log_probability: -100.0,
            }),
        })
        .collect()
}

/// Returns the text of every `<text>` element of an SVG document, trimmed
/// and with the XML escapes that plotters writes undone.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| {
            let content = element.split_once('>')?.1;
            let text = content.split_once("</text>")?.0.trim();
            Some(
                text.replace("&apos;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// Asserts that the SVG document has a text element that reads `expected`.
fn assert_text(svg: &str, expected: &str) {
    let texts = texts(svg);
    assert!(
        texts.iter().any(|text| text == expected),
        "no text reads {expected:?}; the texts are {texts:?}"
    );
}

#[test]
fn curves_have_labels_and_legend() {
    let records = records(4, true);
    let svg = LearningCurves::new(&records)
        .train_accuracy(&[0.6, 0.7, 0.8, 0.9])
        .title("books, 4 epochs")
        .to_svg()
        .unwrap();
    for text in [
        "books, 4 epochs",
        "Training cost",
        "Accuracy",
        "epoch",
        "mean cross-entropy (nats)",
        "accuracy (fraction)",
        "train (mean of the minibatch costs)",
        "devel",
    ] {
        assert_text(&svg, text);
    }
}

#[test]
fn curves_without_accuracy_have_one_panel() {
    let records = records(3, false);
    let svg = LearningCurves::new(&records).to_svg().unwrap();
    assert_text(&svg, "Training cost");
    assert!(!texts(&svg).contains(&"accuracy (fraction)".to_owned()));
    assert!(
        svg.contains(r#"width="640""#),
        "one panel is 640 pixels wide"
    );
}

#[test]
fn curves_saved_to_file() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("curves.svg");
    LearningCurves::new(&records(2, true)).save(&path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"));
}

#[test]
fn curves_missing_directory() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("absent").join("curves.svg");
    let error = LearningCurves::new(&records(2, false))
        .save(&path)
        .unwrap_err();
    assert!(
        matches!(error, PlotError::MissingDirectory { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("absent"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
    assert!(!path.exists());
}

#[test]
fn curves_reject_bad_series() {
    let records = records(3, false);
    let empty = LearningCurves::new(&[]).to_svg().unwrap_err();
    assert!(matches!(empty, PlotError::Empty { .. }), "{empty:?}");

    let short = LearningCurves::new(&records)
        .train_accuracy(&[0.5, 0.6])
        .to_svg()
        .unwrap_err();
    assert!(
        matches!(
            short,
            PlotError::LengthMismatch {
                expected: 3,
                actual: 2,
                ..
            }
        ),
        "{short:?}"
    );

    let nan = LearningCurves::new(&records)
        .train_accuracy(&[0.5, f64::NAN, 0.7])
        .to_svg()
        .unwrap_err();
    assert!(
        matches!(nan, PlotError::NonFinite { index: 1, .. }),
        "{nan:?}"
    );
}

#[test]
fn heat_map_bins_wide_matrix() {
    let weight = Array2::from_shape_fn((20, 13989), |(row, column)| {
        (row as f64 - 10.0) * 0.01 + (column % 7) as f64 * 0.001
    });
    let map = WeightHeatMap::new("W1", weight.view()).unwrap();
    assert_eq!(map.cells(), (20, 100));
    assert_eq!(map.bin_size(), (1, 140));

    let svg = map.to_svg().unwrap();
    assert_text(&svg, "W1: weights of layer 1 (20 × 13989)");
    assert_text(
        &svg,
        "input feature (column of W1); each cell: mean of 140 columns",
    );
    assert_text(&svg, "unit of layer 1 (row of W1)");
    assert_text(&svg, "mean weight of a cell");
    assert!(svg.len() < 300_000, "the SVG has {} bytes", svg.len());
}

#[test]
fn heat_map_small_matrix_unbinned() {
    let weight = Array2::from_shape_fn((2, 20), |(row, column)| (row * 20 + column) as f32);
    let map = WeightHeatMap::new("W2", weight.view()).unwrap();
    assert_eq!(map.cells(), (2, 20));
    let svg = map.to_svg().unwrap();
    assert_text(&svg, "unit of layer 1 (column of W2)");
    assert_text(&svg, "weight");
}

#[test]
fn heat_map_rejects_nan() {
    let mut weight = Array2::<f64>::zeros((3, 4));
    weight[[1, 2]] = f64::NAN;
    let error = WeightHeatMap::new("W1", weight.view()).unwrap_err();
    assert!(
        matches!(error, PlotError::NonFinite { index: 6, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("W1"));
}

#[test]
fn bias_plot_labels() {
    let bias = Array1::from(vec![0.1, -0.2, 0.0]);
    let svg = BiasPlot::new("b1", bias.view()).unwrap().to_svg().unwrap();
    assert_text(&svg, "b1: biases of layer 1 (3 units)");
    assert_text(&svg, "unit of layer 1 (index into b1)");
    assert_text(&svg, "bias (added to the unit's logit)");

    let empty = Array1::<f64>::zeros(0);
    let error = BiasPlot::new("b1", empty.view()).unwrap_err();
    assert!(matches!(error, PlotError::Empty { .. }), "{error:?}");
}

#[test]
fn parameter_plots_of_network() {
    let net = Mlp::<f64>::new(&[30, 4, 2], &[Activation::Tanh, Activation::Softmax], 7).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("weights");
    let written = save_parameter_plots(&target, &net).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["W1.svg", "b1.svg", "W2.svg", "b2.svg"]);
    for path in &written {
        assert!(path.is_file(), "{} was not written", path.display());
    }
}

#[test]
fn parameter_plots_missing_parent() {
    let net = Mlp::<f64>::new(&[3, 2], &[Activation::Softmax], 7).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("absent").join("weights");
    let error = save_parameter_plots(&target, &net).unwrap_err();
    assert!(
        matches!(error, PlotError::MissingDirectory { .. }),
        "{error:?}"
    );
}
