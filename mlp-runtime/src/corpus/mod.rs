//! Reader of the Multi-Domain Sentiment Dataset ("processed_acl" format).
//!
//! A domain directory such as `books/` contains `positive.review` and
//! `negative.review`. Each line is one review: `name:count` tokens for its
//! unigram and bigram features, then `#label#:positive` or
//! `#label#:negative`. [`Corpus::load`] reads both files into a sparse
//! document-by-feature count matrix X and a label vector y, as the 2015
//! LxMLS lab does:
//!
//! - Positive reviews are class [`POSITIVE`] (0), negative ones class
//!   [`NEGATIVE`] (1). Documents alternate: document 2i is positive review i
//!   and document 2i + 1 is negative review i. When one file has more
//!   reviews, its remaining reviews follow in file order.
//! - A feature is kept when its total count over both files is at least
//!   [`CorpusOptions::min_count`].
//! - Columns are numbered in [`FeatureOrder::Lab`] order by default, which
//!   reproduces the lab's feature indices exactly.
//! - The first part of the documents is the training set, an optional next
//!   part the development set, and the rest the test set. Nothing is
//!   shuffled.
//!
//! ```no_run
//! use mlp_runtime::corpus::{Corpus, CorpusOptions};
//!
//! let corpus = Corpus::load_domain("books", &CorpusOptions::default())?;
//! let train = corpus.train::<f64>();
//! assert_eq!(train.len(), 1600);
//! # Ok::<(), mlp_runtime::corpus::CorpusError>(())
//! ```

mod error;
mod features;
mod lab_order;
mod locate;
mod parse;
mod read;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub use error::CorpusError;
pub use features::Features;
pub use locate::locate_domain;
pub use parse::{LABEL_PREFIX, LineError, Review, parse_line};

use crate::batch::{Dataset, Matrix};
use crate::float::Float;
use crate::sparse::{Csr, CsrBuilder};
use features::sparse_row;
use read::{Vocabulary, read_review_file};

/// Class of positive reviews.
pub const POSITIVE: usize = 0;

/// Class of negative reviews.
pub const NEGATIVE: usize = 1;

/// Environment variable naming the directory that contains one directory
/// per domain, such as `$MLP_DATA_DIR/books/positive.review`.
pub const DATA_DIR_VAR: &str = "MLP_DATA_DIR";

/// File name of the positive reviews of a domain.
pub const POSITIVE_FILE: &str = "positive.review";

/// File name of the negative reviews of a domain.
pub const NEGATIVE_FILE: &str = "negative.review";

/// Tolerance of the check that the train and devel fractions sum to at most
/// 1, so that sums such as 0.7 + 0.3 pass whatever their rounding.
const FRACTION_TOLERANCE: f64 = 1e-9;

/// The numbering of the feature columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FeatureOrder {
    /// The iteration order of the CPython 2.7 `dict` in which the lab's
    /// reader counted the features. Models trained on this order reproduce
    /// the lab's numbers to the digit, because seeded initial weights meet
    /// the same features.
    #[default]
    Lab,
    /// The order in which the names first occur, positive file first.
    FirstSeen,
}

/// Settings of [`Corpus::load`].
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusOptions {
    /// Minimum total count over both files for a feature to become a column.
    /// The lab uses 5.
    pub min_count: u64,
    /// The numbering of the feature columns.
    pub feature_order: FeatureOrder,
    /// Fraction of the documents in the training set, rounded to the nearest
    /// document count with halves away from zero. The lab uses 0.8.
    pub train_fraction: f64,
    /// Fraction of the documents in the development set, which follows the
    /// training set. The test set is the rest. The lab uses 0.
    pub devel_fraction: f64,
}

impl Default for CorpusOptions {
    /// Returns the lab's settings: minimum count 5, lab feature order, 80%
    /// train, no devel, 20% test.
    fn default() -> Self {
        CorpusOptions {
            min_count: 5,
            feature_order: FeatureOrder::Lab,
            train_fraction: 0.8,
            devel_fraction: 0.0,
        }
    }
}

/// Numbers of documents in the three consecutive parts of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitSizes {
    /// Documents in the training set, which starts at document 0.
    pub train: usize,
    /// Documents in the development set, which follows the training set.
    pub devel: usize,
    /// Documents in the test set, which ends at the last document.
    pub test: usize,
}

impl SplitSizes {
    /// Computes the sizes for `documents` documents. The devel size shrinks
    /// when rounding would make the two fractions exceed the corpus.
    fn new(documents: usize, options: &CorpusOptions) -> Self {
        let round = |fraction: f64| ((fraction * documents as f64).round() as usize).min(documents);
        let train = round(options.train_fraction);
        let devel = round(options.devel_fraction).min(documents - train);
        SplitSizes {
            train,
            devel,
            test: documents - train - devel,
        }
    }
}

/// A labelled sentiment corpus: the count matrix X, the labels y and the
/// feature names.
#[derive(Clone)]
pub struct Corpus {
    path: PathBuf,
    x: Csr<f64>,
    y: Vec<usize>,
    features: Features,
    n_positive: usize,
    n_negative: usize,
    split: SplitSizes,
}

impl Corpus {
    /// Reads `positive.review` and `negative.review` from `dir`.
    ///
    /// # Errors
    ///
    /// Returns [`CorpusError::InvalidSplit`] when a fraction is negative or
    /// not finite or the two sum above 1, before reading anything. Reading
    /// fails when a file is missing, unreadable or without reviews, when a
    /// line is not valid UTF-8 or not a review, or when a label disagrees
    /// with its file. Line errors name the file, the line number from 1 and
    /// the offending token.
    pub fn load(dir: impl AsRef<Path>, options: &CorpusOptions) -> Result<Corpus, CorpusError> {
        let dir = dir.as_ref();
        validate_fractions(options)?;

        let mut vocabulary = Vocabulary::default();
        let positives = read_review_file(&dir.join(POSITIVE_FILE), POSITIVE, &mut vocabulary)?;
        let negatives = read_review_file(&dir.join(NEGATIVE_FILE), NEGATIVE, &mut vocabulary)?;

        let feature_ids = feature_ids_in_column_order(&vocabulary, options);
        if u32::try_from(feature_ids.len()).is_err() {
            return Err(CorpusError::TooManyFeatures {
                count: feature_ids.len(),
            });
        }
        let mut column_of_id: Vec<Option<u32>> = vec![None; vocabulary.names.len()];
        for (column, &id) in feature_ids.iter().enumerate() {
            column_of_id[id] = Some(column as u32);
        }

        let (x, y) = build_matrix(&positives, &negatives, &column_of_id, feature_ids.len());
        let distinct_names = vocabulary.names.len();
        let counts = feature_ids
            .iter()
            .map(|&id| vocabulary.totals[id])
            .collect();
        let mut names = vocabulary.names;
        let names = feature_ids
            .iter()
            .map(|&id| std::mem::take(&mut names[id]))
            .collect();
        let split = SplitSizes::new(y.len(), options);

        Ok(Corpus {
            path: dir.to_path_buf(),
            x,
            y,
            features: Features::new(names, counts, distinct_names),
            n_positive: positives.len(),
            n_negative: negatives.len(),
            split,
        })
    }

    /// Finds the directory of `domain` with [`locate_domain`] (under
    /// `$MLP_DATA_DIR`) and reads it with [`Corpus::load`].
    ///
    /// # Errors
    ///
    /// Returns [`CorpusError::NotFound`], whose message explains how to get
    /// the dataset, or any error of [`Corpus::load`].
    pub fn load_domain(domain: &str, options: &CorpusOptions) -> Result<Corpus, CorpusError> {
        let dir = locate_domain(domain, None)?;
        Corpus::load(dir, options)
    }

    /// Returns the directory the corpus was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns X: one row per document, one column per feature, entries are
    /// counts.
    pub fn x(&self) -> &Csr<f64> {
        &self.x
    }

    /// Returns y: the class of each document, [`POSITIVE`] or [`NEGATIVE`].
    pub fn y(&self) -> &[usize] {
        &self.y
    }

    /// Returns the number of documents.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Returns `false`, because loading rejects files without reviews.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Returns the number of features, which is the number of columns of X.
    pub fn n_features(&self) -> usize {
        self.features.len()
    }

    /// Returns the number of reviews in `positive.review`.
    pub fn n_positive(&self) -> usize {
        self.n_positive
    }

    /// Returns the number of reviews in `negative.review`.
    pub fn n_negative(&self) -> usize {
        self.n_negative
    }

    /// Returns the feature names, columns and total counts.
    pub fn features(&self) -> &Features {
        &self.features
    }

    /// Returns the sizes of the training, development and test sets.
    pub fn split_sizes(&self) -> SplitSizes {
        self.split
    }

    /// Returns the training set: the first `split_sizes().train` documents.
    pub fn train<F: Float>(&self) -> Dataset<F> {
        self.dataset(0..self.split.train)
    }

    /// Returns the development set: the `split_sizes().devel` documents
    /// after the training set.
    pub fn devel<F: Float>(&self) -> Dataset<F> {
        let start = self.split.train;
        self.dataset(start..start + self.split.devel)
    }

    /// Returns the test set: the documents after the development set.
    pub fn test<F: Float>(&self) -> Dataset<F> {
        self.dataset(self.split.train + self.split.devel..self.len())
    }

    /// Copies documents `rows` into a sparse dataset of element type `F`.
    fn dataset<F: Float>(&self, rows: Range<usize>) -> Dataset<F> {
        let x = self
            .x
            .slice_rows(rows.clone())
            .to_owned()
            .map(<F as Float>::from_f64);
        Dataset::new(Matrix::Sparse(x), self.y[rows].to_vec())
    }
}

impl fmt::Debug for Corpus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Corpus")
            .field("path", &self.path)
            .field("documents", &self.len())
            .field("n_features", &self.n_features())
            .field("nnz", &self.x.nnz())
            .field("split", &self.split)
            .finish_non_exhaustive()
    }
}

fn validate_fractions(options: &CorpusOptions) -> Result<(), CorpusError> {
    let train = options.train_fraction;
    let devel = options.devel_fraction;
    let valid = |fraction: f64| fraction.is_finite() && fraction >= 0.0;
    if valid(train) && valid(devel) && train + devel <= 1.0 + FRACTION_TOLERANCE {
        Ok(())
    } else {
        Err(CorpusError::InvalidSplit { train, devel })
    }
}

/// Returns the ids of the features that reach the minimum count, in column
/// order.
fn feature_ids_in_column_order(vocabulary: &Vocabulary, options: &CorpusOptions) -> Vec<usize> {
    let order = match options.feature_order {
        FeatureOrder::FirstSeen => (0..vocabulary.names.len()).collect(),
        FeatureOrder::Lab => {
            lab_order::python27_dict_order(vocabulary.names.iter().map(String::as_str))
        }
    };
    // The lab deletes the rare keys from its dict after counting. A CPython
    // dict deletion turns the slot into a dummy and never moves or resizes
    // anything, so filtering the slot order gives the order after deletion.
    order
        .into_iter()
        .filter(|&id| vocabulary.totals[id] >= options.min_count)
        .collect()
}

/// Builds X and y, interleaving positive and negative reviews.
fn build_matrix(
    positives: &[read::ReviewIds],
    negatives: &[read::ReviewIds],
    column_of_id: &[Option<u32>],
    n_features: usize,
) -> (Csr<f64>, Vec<usize>) {
    let mut builder = CsrBuilder::new(n_features);
    let mut y = Vec::with_capacity(positives.len() + negatives.len());
    for i in 0..positives.len().max(negatives.len()) {
        let pair = [(positives.get(i), POSITIVE), (negatives.get(i), NEGATIVE)];
        for (review, label) in pair {
            let Some(review) = review else {
                continue;
            };
            let entries = review
                .iter()
                .filter_map(|&(id, count)| column_of_id[id as usize].map(|column| (column, count)))
                .collect();
            builder
                .push_row(sparse_row::<f64>(entries))
                .expect("sparse_row returns sorted columns below the feature count");
            y.push(label);
        }
    }
    (builder.finish(), y)
}
