//! Reader of the Multi-Domain Sentiment Dataset ("processed_acl" format).

mod error;
mod locate;
mod parse;

pub use error::CorpusError;
pub use locate::locate_domain;
pub use parse::{LABEL_PREFIX, LineError, Review, parse_line};

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
