//! Errors of the corpus reader.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::DATA_DIR_VAR;
use super::parse::LineError;

/// Web page of the Multi-Domain Sentiment Dataset.
const DATASET_URL: &str = "https://www.cs.jhu.edu/~mdredze/datasets/sentiment/";

/// Errors of locating and reading a corpus.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    /// No directory with the domain's review files was found.
    #[error("{}", not_found_message(domain, searched))]
    NotFound {
        /// The requested domain, such as `books`.
        domain: String,
        /// Every directory that was checked for `positive.review`, in order.
        /// Empty when no directory was given and `MLP_DATA_DIR` is not set.
        searched: Vec<PathBuf>,
    },

    /// A review file that does not exist.
    #[error(
        "review file {} not found; a corpus directory must contain \
         positive.review and negative.review",
        path.display()
    )]
    MissingFile {
        /// The missing file.
        path: PathBuf,
    },

    /// A review file that exists but could not be read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// A review file without a single review.
    #[error("{} contains no reviews", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },

    /// A line that is not valid UTF-8.
    #[error(
        "{}: line {line}: invalid UTF-8 after byte {valid_up_to} of the line",
        path.display()
    )]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// Length of the valid UTF-8 prefix of the line, in bytes.
        valid_up_to: usize,
    },

    /// A line that is not a review in the `feature:count ... #label#:<label>`
    /// format.
    #[error("{}: line {line}: {source}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// The parse error of the line.
        source: LineError,
    },

    /// A review whose label differs from the label of its file, such as a
    /// `#label#:negative` line in `positive.review`.
    #[error(
        "{}: line {line}: label {token:?} does not match the file, which must \
         contain only #label#:{expected} reviews",
        path.display()
    )]
    LabelMismatch {
        /// The file.
        path: PathBuf,
        /// Line number, from 1.
        line: usize,
        /// The label token found.
        token: String,
        /// The label of the file: `positive` or `negative`.
        expected: &'static str,
    },

    /// Train and devel fractions that cannot split a corpus.
    #[error(
        "invalid split: train fraction {train} and devel fraction {devel} must be \
         finite, non-negative and sum to at most 1"
    )]
    InvalidSplit {
        /// The requested train fraction.
        train: f64,
        /// The requested devel fraction.
        devel: f64,
    },

    /// A vocabulary too large for the `u32` column indices of the sparse
    /// matrix.
    #[error("{count} features do not fit in u32 column indices; raise min_count to keep fewer")]
    TooManyFeatures {
        /// Number of features kept.
        count: usize,
    },
}

impl CorpusError {
    /// Returns the file the error is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            CorpusError::MissingFile { path }
            | CorpusError::Read { path, .. }
            | CorpusError::Empty { path }
            | CorpusError::InvalidUtf8 { path, .. }
            | CorpusError::Line { path, .. }
            | CorpusError::LabelMismatch { path, .. } => Some(path),
            CorpusError::NotFound { .. }
            | CorpusError::InvalidSplit { .. }
            | CorpusError::TooManyFeatures { .. } => None,
        }
    }

    /// Returns the line number, from 1, of an error about one line.
    pub fn line(&self) -> Option<usize> {
        match self {
            CorpusError::InvalidUtf8 { line, .. }
            | CorpusError::Line { line, .. }
            | CorpusError::LabelMismatch { line, .. } => Some(*line),
            _ => None,
        }
    }
}

fn not_found_message(domain: &str, searched: &[PathBuf]) -> String {
    let mut message = format!("corpus {domain:?} not found");
    if searched.is_empty() {
        let _ = write!(
            message,
            ": no directory was given and {DATA_DIR_VAR} is not set."
        );
    } else {
        message.push_str(": none of these directories contains positive.review:");
        for directory in searched {
            let _ = write!(message, "\n  {}", directory.display());
        }
    }
    let _ = write!(
        message,
        "\nTo get the data, download the processed_acl archive of the Multi-Domain \
         Sentiment Dataset from {DATASET_URL}, extract it so that \
         <dir>/{domain}/positive.review exists, and set {DATA_DIR_VAR}=<dir>."
    );
    message
}
