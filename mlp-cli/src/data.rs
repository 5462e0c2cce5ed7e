//! Loading corpora, mapping reviews to a saved model's inputs, and checks
//! of output paths.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use mlp::corpus::{
    Corpus, CorpusError, CorpusOptions, FeatureOrder, NEGATIVE, POSITIVE, Review, locate_domain,
};
use mlp::download::{DOMAINS, DownloadOptions, ensure_domain};
use mlp::model::SavedModel;
use mlp::sparse::CsrBuilder;
use mlp::{Dataset, Float, Matrix};

use crate::args::{CorpusArgs, Split};
use crate::error::CliError;

/// Tolerance of the check that the train and devel fractions sum to at
/// most 1, so that sums such as 0.7 + 0.3 pass whatever their rounding.
const FRACTION_TOLERANCE: f64 = 1e-9;

/// Returns the word for a class: `positive` or `negative`.
pub fn class_name(class: usize) -> &'static str {
    match class {
        POSITIVE => "positive",
        NEGATIVE => "negative",
        _ => "unknown",
    }
}

/// Finds the domain of `args` and reads it, keeping the features whose
/// total count is at least `min_count`.
///
/// # Errors
///
/// Returns [`CliError::Usage`] when the fractions sum above 1,
/// [`CliError::CorpusNotFound`] when the domain is in none of the places
/// searched, and the reader's errors.
pub fn load_corpus(
    args: &CorpusArgs,
    min_count: u64,
    feature_order: FeatureOrder,
) -> Result<Corpus, CliError> {
    let sum = args.train_fraction + args.devel_fraction;
    if sum > 1.0 + FRACTION_TOLERANCE {
        return Err(CliError::Usage(format!(
            "--train-fraction {} and --devel-fraction {} sum to {sum}, above 1",
            args.train_fraction, args.devel_fraction
        )));
    }
    let directory = find_domain(args)?;
    let options = CorpusOptions {
        min_count,
        feature_order,
        train_fraction: args.train_fraction,
        devel_fraction: args.devel_fraction,
    };
    Ok(Corpus::load(directory, &options)?)
}

/// Returns the directory of the domain: `--data-dir` or its `<domain>`
/// subdirectory when the option is given, else `$MLP_DATA_DIR/<domain>`.
/// A missing domain of the dataset is downloaded unless `--offline` is
/// given.
fn find_domain(args: &CorpusArgs) -> Result<PathBuf, CliError> {
    match locate_domain(&args.domain, args.data_dir.as_deref()) {
        Ok(directory) => Ok(directory),
        Err(CorpusError::NotFound { domain, .. })
            if !args.offline && DOMAINS.contains(&domain.as_str()) =>
        {
            let options = DownloadOptions {
                cache_dir: args.data_dir.clone(),
                ..DownloadOptions::default()
            };
            Ok(ensure_domain(&domain, &options)?)
        }
        Err(CorpusError::NotFound { domain, searched }) => {
            Err(CliError::CorpusNotFound { domain, searched })
        }
        Err(error) => Err(error.into()),
    }
}

/// Returns the name of the corpus's directory, such as `books`. With
/// `--data-dir` pointing at a domain's own directory it can differ from
/// `--domain`.
pub fn corpus_name(corpus: &Corpus) -> String {
    match corpus.path().file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => corpus.path().display().to_string(),
    }
}

/// Returns the documents of `split` in `corpus`.
pub fn split_rows(corpus: &Corpus, split: Split) -> Range<usize> {
    let sizes = corpus.split_sizes();
    let devel_start = sizes.train;
    let test_start = sizes.train + sizes.devel;
    match split {
        Split::Train => 0..sizes.train,
        Split::Devel => devel_start..test_start,
        Split::Test => test_start..corpus.len(),
        Split::All => 0..corpus.len(),
    }
}

/// Checks that the file `path` given to `option` can be created: its
/// directory must exist. Called before training, so that a typo does not
/// cost a training run.
pub fn check_output_file(option: &str, path: &Path) -> Result<(), CliError> {
    match path.parent() {
        Some(directory) if !directory.as_os_str().is_empty() && !directory.is_dir() => {
            Err(CliError::Usage(format!(
                "{option} {}: directory {} does not exist; create it first",
                path.display(),
                directory.display()
            )))
        }
        _ if path.is_dir() => Err(CliError::Usage(format!(
            "{option} {}: is a directory; expected a file name",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Checks that the directory `path` given to `option` exists or can be
/// created in an existing parent.
pub fn check_output_directory(option: &str, path: &Path) -> Result<(), CliError> {
    if path.is_dir() {
        return Ok(());
    }
    if path.exists() {
        return Err(CliError::Usage(format!(
            "{option} {}: is a file; expected a directory",
            path.display()
        )));
    }
    check_output_file(option, path)
}

/// The input columns of a saved model, by feature name.
#[derive(Debug)]
pub struct FeatureIndex {
    columns: HashMap<String, u32>,
    width: usize,
}

impl FeatureIndex {
    /// Indexes the feature names saved with `model`.
    ///
    /// # Errors
    ///
    /// Returns [`CliError::UnusableModel`] when the model has no feature
    /// names, a name occurs twice, or the model does not have the two
    /// classes positive and negative.
    pub fn of_model(model: &SavedModel) -> Result<Self, CliError> {
        let unusable = |reason: String| CliError::UnusableModel {
            path: model.path().to_owned(),
            reason,
        };
        let classes = model.architecture().geometry.last().copied().unwrap_or(0);
        if classes != 2 {
            return Err(unusable(format!(
                "it has {classes} output classes, but sentiment reviews have 2 \
                 (positive and negative)"
            )));
        }
        let Some(names) = model.features() else {
            return Err(unusable(
                "it has no feature names, so reviews cannot be mapped to its inputs; \
                 save it with `mlp train --save`, which stores them"
                    .to_owned(),
            ));
        };

        let mut columns = HashMap::with_capacity(names.len());
        for (column, name) in names.iter().enumerate() {
            if columns.insert(name.clone(), column as u32).is_some() {
                return Err(unusable(format!("feature {name:?} occurs twice")));
            }
        }
        Ok(FeatureIndex {
            columns,
            width: names.len(),
        })
    }

    /// Returns the sparse row of a review: the counts of the model's
    /// features in it, by column. Features the model does not have are
    /// dropped, and the counts of a repeated name are added.
    pub fn review_row<F: Float>(&self, review: &Review) -> Vec<(u32, F)> {
        let entries = review
            .features
            .iter()
            .filter_map(|(name, count)| {
                let column = self.columns.get(name.as_str())?;
                Some((*column, *count as f64))
            })
            .collect();
        sparse_row(entries)
    }

    /// Builds the dataset of the documents `rows` of `corpus` with the
    /// model's columns, and returns it with the number of the model's
    /// features that occur in the corpus's vocabulary.
    ///
    /// Each document gets the row that [`FeatureIndex::review_row`] gives
    /// its review, as long as the corpus was read with a minimum count of 0,
    /// so that it kept every feature.
    pub fn corpus_dataset<F: Float>(
        &self,
        corpus: &Corpus,
        rows: Range<usize>,
    ) -> (Dataset<F>, usize) {
        let model_column: Vec<Option<u32>> = corpus
            .features()
            .names()
            .iter()
            .map(|name| self.columns.get(name.as_str()).copied())
            .collect();
        let known = model_column.iter().flatten().count();

        let mut builder = CsrBuilder::new(self.width);
        for row in rows.clone() {
            let (indices, values) = corpus.x().row(row);
            let entries = indices
                .iter()
                .zip(values)
                .filter_map(|(&column, &value)| Some((model_column[column as usize]?, value)))
                .collect();
            builder
                .push_row(sparse_row::<F>(entries))
                .expect("sparse_row returns sorted columns below the model's width");
        }
        let labels = corpus.y()[rows].to_vec();
        (
            Dataset::new(Matrix::Sparse(builder.finish()), labels),
            known,
        )
    }

    /// Returns the number of input columns of the model.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// Turns `(column, value)` pairs in any order into the entries of a CSR
/// row: sorted by column, values of a repeated column added, zeros dropped.
fn sparse_row<F: Float>(mut entries: Vec<(u32, f64)>) -> Vec<(u32, F)> {
    entries.sort_unstable_by_key(|&(column, _)| column);
    let mut merged: Vec<(u32, f64)> = Vec::with_capacity(entries.len());
    for (column, value) in entries {
        match merged.last_mut() {
            Some((last, total)) if *last == column => *total += value,
            _ => merged.push((column, value)),
        }
    }
    merged
        .into_iter()
        .filter(|&(_, value)| value != 0.0)
        .map(|(column, value)| (column, F::from_f64(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_row_merges_and_sorts() {
        let row: Vec<(u32, f64)> = sparse_row(vec![(4, 1.0), (1, 2.0), (4, 3.0), (2, 0.0)]);
        assert_eq!(row, vec![(1, 2.0), (4, 4.0)]);
    }
}
