//! `mlp eval`: accuracy, log-probability and confusion matrix of a saved
//! model on a split of a domain.

use std::io::Write;

use mlp::corpus::{FeatureOrder, NEGATIVE, POSITIVE};
use mlp::metrics::{accuracy, log_probability, predictions};
use mlp::model::{self, SavedModel};
use mlp::{Float, Network};

use crate::args::EvalArgs;
use crate::data::{FeatureIndex, class_name, corpus_name, load_corpus, split_rows};
use crate::error::CliError;

/// Runs `mlp eval`, writing the report to `out`.
pub fn run(args: &EvalArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let model = model::load(&args.model)?;
    let index = FeatureIndex::of_model(&model)?;

    // Every feature is kept (minimum count 0), because the model's own
    // vocabulary decides which features count. The column order does not
    // matter, since columns are mapped by name.
    let corpus = load_corpus(&args.corpus, 0, FeatureOrder::FirstSeen)?;
    let rows = split_rows(&corpus, args.split);
    if rows.is_empty() {
        return Err(CliError::Usage(format!(
            "the {} split of {} is empty with --train-fraction {} and --devel-fraction {}",
            args.split.name(),
            corpus_name(&corpus),
            args.corpus.train_fraction,
            args.corpus.devel_fraction
        )));
    }

    writeln!(
        out,
        "model {}: {}, {}",
        args.model.display(),
        model.architecture(),
        model.float_type()
    )?;
    writeln!(
        out,
        "corpus {} ({}): {} split, {} reviews",
        corpus_name(&corpus),
        corpus.path().display(),
        args.split.name(),
        rows.len()
    )?;
    match model.float_type() {
        "f32" => evaluate::<f32>(&model, &index, &corpus, rows, out),
        _ => evaluate::<f64>(&model, &index, &corpus, rows, out),
    }
}

fn evaluate<F: Float>(
    model: &SavedModel,
    index: &FeatureIndex,
    corpus: &mlp::corpus::Corpus,
    rows: std::ops::Range<usize>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let net = model.to_mlp::<F>()?;
    let (data, known) = index.corpus_dataset::<F>(corpus, rows);
    writeln!(
        out,
        "model features found in the corpus: {known} of {}",
        index.width()
    )?;

    let log_probabilities = net.log_probabilities(data.x.inputs())?;
    let predicted = predictions(log_probabilities.view());
    let accuracy = accuracy(log_probabilities.view(), &data.y);
    let log_probability = log_probability(log_probabilities.view(), &data.y);
    let right = predicted
        .iter()
        .zip(&data.y)
        .filter(|(predicted, label)| predicted == label)
        .count();

    writeln!(out, "accuracy {accuracy:.6} ({right} of {})", data.len())?;
    writeln!(
        out,
        "log-probability {log_probability:.6} nats (sum over the reviews of ln p(true class))"
    )?;
    write_confusion(&predicted, &data.y, out)
}

/// Writes the 2 × 2 confusion matrix: one row per true class, one column
/// per predicted class.
fn write_confusion(
    predicted: &[usize],
    labels: &[usize],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let classes = [POSITIVE, NEGATIVE];
    let mut counts = [[0usize; 2]; 2];
    for (&predicted, &label) in predicted.iter().zip(labels) {
        counts[label][predicted] += 1;
    }

    writeln!(
        out,
        "confusion matrix (rows: true class, columns: predicted class)"
    )?;
    writeln!(
        out,
        "{:>10} {:>10} {:>10}",
        "",
        class_name(POSITIVE),
        class_name(NEGATIVE)
    )?;
    for label in classes {
        writeln!(
            out,
            "{:>10} {:>10} {:>10}",
            class_name(label),
            counts[label][POSITIVE],
            counts[label][NEGATIVE]
        )?;
    }
    Ok(())
}
