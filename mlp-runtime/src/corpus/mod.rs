//! Reader of the Multi-Domain Sentiment Dataset ("processed_acl" format).

mod parse;

pub use parse::{LABEL_PREFIX, LineError, Review, parse_line};

/// Class of positive reviews.
pub const POSITIVE: usize = 0;

/// Class of negative reviews.
pub const NEGATIVE: usize = 1;

/// Errors of the corpus reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    /// The corpus directory was not found.
    #[error("corpus not found")]
    NotFound,
}
