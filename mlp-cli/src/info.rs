//! `mlp info`: statistics of a domain.

use std::io::Write;

use mlp::corpus::{Corpus, FeatureOrder, POSITIVE};

use crate::args::{InfoArgs, Split};
use crate::data::{load_corpus, split_rows};
use crate::error::CliError;

/// Runs `mlp info`, writing the statistics to `out`.
pub fn run(args: &InfoArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // The statistics do not depend on the column order, and first-seen
    // order is the cheaper one to compute.
    let corpus = load_corpus(&args.corpus, args.min_count, FeatureOrder::FirstSeen)?;
    let documents = corpus.len();
    let features = corpus.n_features();
    let nonzeros = corpus.x().nnz();
    let total_count: f64 = corpus.x().values().iter().sum();
    let cells = documents as f64 * features as f64;
    let density = if cells > 0.0 {
        nonzeros as f64 / cells
    } else {
        0.0
    };

    writeln!(out, "corpus:      {}", corpus.path().display())?;
    writeln!(
        out,
        "reviews:     {documents} ({} positive, {} negative; {:.1}% positive)",
        corpus.n_positive(),
        corpus.n_negative(),
        100.0 * corpus.n_positive() as f64 / documents as f64
    )?;
    writeln!(
        out,
        "features:    {features} kept (total count at least {}) of {} distinct names",
        args.min_count,
        corpus.features().distinct_names()
    )?;
    writeln!(
        out,
        "non-zeros:   {nonzeros} of the {documents} × {features} count matrix \
         (density {density:.6})"
    )?;
    writeln!(
        out,
        "per review:  {:.1} distinct kept features, {:.1} kept feature occurrences \
         on average",
        nonzeros as f64 / documents as f64,
        total_count / documents as f64
    )?;
    for split in [Split::Train, Split::Devel, Split::Test] {
        writeln!(out, "{}", describe_split(&corpus, split))?;
    }
    Ok(())
}

/// Returns the line of a split: its size and label balance.
fn describe_split(corpus: &Corpus, split: Split) -> String {
    let rows = split_rows(corpus, split);
    let label = format!("{} split:", split.name());
    let size = rows.len();
    if size == 0 {
        return format!("{label:<12} 0 reviews");
    }
    let positive = corpus.y()[rows]
        .iter()
        .filter(|&&class| class == POSITIVE)
        .count();
    format!(
        "{label:<12} {size} reviews ({positive} positive, {} negative)",
        size - positive
    )
}
