//! Errors of the subcommands and how they are reported.

use std::path::PathBuf;

use mlp::corpus::{CorpusError, DATA_DIR_VAR};
use mlp::model::ModelError;
use mlp::plot::PlotError;

/// Web page of the Multi-Domain Sentiment Dataset, where processed_acl.tar.gz
/// is published.
const DATASET_PAGE: &str = "https://www.cs.jhu.edu/~mdredze/datasets/sentiment/";

/// A failure of a subcommand. Each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Options that are valid one by one but not together.
    #[error("{0}")]
    Usage(String),

    /// No directory with the domain's review files.
    #[error("{}", not_found_message(domain, searched))]
    CorpusNotFound {
        /// The requested domain.
        domain: String,
        /// The directories checked for positive.review.
        searched: Vec<PathBuf>,
    },

    /// An error of the corpus reader.
    #[error(transparent)]
    Corpus(#[from] CorpusError),

    /// A download of a missing domain that failed.
    #[error(transparent)]
    Download(#[from] mlp::download::DownloadError),

    /// An error of saving or loading a model.
    #[error(transparent)]
    Model(#[from] ModelError),

    /// An error of building, training or running a network.
    #[error(transparent)]
    Network(#[from] mlp::Error),

    /// An error of drawing a plot.
    #[error(transparent)]
    Plot(#[from] PlotError),

    /// A model that `eval` and `predict` cannot apply to reviews.
    #[error("model {}: {reason}", path.display())]
    UnusableModel {
        /// The model file.
        path: PathBuf,
        /// The reason, such as a missing feature list.
        reason: String,
    },

    /// An input file that could not be opened or read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file, or "standard input".
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// The output could not be written to standard output or standard
    /// error.
    #[error("failed to write the output: {0}")]
    Output(std::io::Error),

    /// Review lines that `predict` reported as invalid.
    #[error("{invalid} of {lines} review lines were invalid; each is reported above")]
    InvalidLines {
        /// Number of invalid lines.
        invalid: usize,
        /// Number of non-blank lines read.
        lines: usize,
    },
}

impl CliError {
    /// Returns the exit status: 2 for options that do not fit together, as
    /// clap uses for invalid options, and 1 for every other failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl From<std::io::Error> for CliError {
    /// Treats a bare I/O error as a failure to write the output, because
    /// errors of reading files are wrapped with their path.
    fn from(error: std::io::Error) -> Self {
        CliError::Output(error)
    }
}

fn not_found_message(domain: &str, searched: &[PathBuf]) -> String {
    let place = if searched.is_empty() {
        format!("no --data-dir was given and {DATA_DIR_VAR} is not set")
    } else {
        let directories: Vec<String> = searched
            .iter()
            .map(|directory| directory.display().to_string())
            .collect();
        format!("no positive.review in {}", directories.join(" or "))
    };
    format!(
        "corpus {domain:?} not found: {place}; download processed_acl.tar.gz from \
         {DATASET_PAGE}, extract it, and pass --data-dir DIR or set {DATA_DIR_VAR}=DIR, \
         where DIR contains {domain}/positive.review"
    )
}

/// Joins the lines of a message into one, so that every failure is one
/// line on standard error. Lines that start with spaces (list items) are
/// joined with a space, other lines with "; ".
pub fn one_line(message: &str) -> String {
    let mut joined = String::new();
    for line in message.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !joined.is_empty() {
            let separator = if line.starts_with(char::is_whitespace) {
                " "
            } else {
                "; "
            };
            joined.push_str(separator);
        }
        joined.push_str(line.trim());
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(
            one_line("first\n  item one\n  item two\nnext"),
            "first item one item two; next"
        );
        assert_eq!(one_line("single"), "single");
        assert_eq!(one_line("a\n\nb\n"), "a; b");
    }

    #[test]
    fn not_found_lists_directories() {
        let error = CliError::CorpusNotFound {
            domain: "dvd".to_owned(),
            searched: vec![PathBuf::from("/data"), PathBuf::from("/data/dvd")],
        };
        let message = error.to_string();
        assert!(
            message
                .starts_with("corpus \"dvd\" not found: no positive.review in /data or /data/dvd;"),
            "{message}"
        );
        assert!(!message.contains('\n'));
    }
}
