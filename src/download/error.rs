//! Errors of downloading a corpus domain.

use std::io;
use std::path::PathBuf;

use mlp_runtime::corpus::{DATA_DIR_VAR, LineError};

use super::DOMAINS;

/// Web page of the Multi-Domain Sentiment Dataset, where the archive can be
/// downloaded by hand.
const DATASET_PAGE: &str = "https://www.cs.jhu.edu/~mdredze/datasets/sentiment/";

/// Errors of [`ensure_domain`](super::ensure_domain).
///
/// Every message names the URL, file or archive member that failed and
/// ends with what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// A domain other than the four of the dataset.
    #[error(
        "unknown domain {domain:?}; expected one of {}",
        DOMAINS.join(", ")
    )]
    UnknownDomain {
        /// The requested domain.
        domain: String,
    },

    /// No cache directory was given, `MLP_DATA_DIR` is not set, and the
    /// platform has no cache folder.
    #[error(
        "no cache directory for the corpus: {DATA_DIR_VAR} is not set and the platform \
         has no cache folder. Set {DATA_DIR_VAR} to a writable directory"
    )]
    NoCacheDir,

    /// A request that failed before a response arrived: an invalid URL, a
    /// DNS, connection or TLS failure, or a timeout.
    #[error("failed to download {url}: {source}. {}", retry_hint())]
    Request {
        /// The requested URL.
        url: String,
        /// The HTTP client's error.
        source: ureq::Error,
    },

    /// A response whose status is not 200.
    #[error("failed to download {url}: HTTP status {status}. {}", retry_hint())]
    Status {
        /// The requested URL.
        url: String,
        /// The HTTP status code of the response.
        status: u16,
    },

    /// A response body that could not be read to its end, such as a
    /// connection closed early or a read that timed out.
    #[error(
        "failed to download {url}: reading the response failed: {source}. {}",
        retry_hint()
    )]
    Transfer {
        /// The requested URL.
        url: String,
        /// The I/O error of reading the body.
        source: io::Error,
    },

    /// A downloaded file whose SHA-256 digest differs from the expected one.
    #[error(
        "the file downloaded from {url} is corrupt: expected sha256 {expected}, got {actual}. {}",
        retry_hint()
    )]
    ChecksumMismatch {
        /// The requested URL.
        url: String,
        /// The expected digest, in lowercase hex.
        expected: String,
        /// The digest of the downloaded bytes, in lowercase hex.
        actual: String,
    },

    /// A downloaded archive that is not a complete `.tar.gz` or `.tar` file.
    #[error(
        "the archive downloaded from {url} is invalid or truncated: {source}. {}",
        retry_hint()
    )]
    Archive {
        /// The requested URL.
        url: String,
        /// The gzip or tar error.
        source: io::Error,
    },

    /// An archive without a regular file of the expected name.
    #[error(
        "the archive downloaded from {url} has no file {member}. {}",
        retry_hint()
    )]
    MissingMember {
        /// The requested URL.
        url: String,
        /// The expected member, such as `processed_acl/dvd/positive.review`.
        member: String,
    },

    /// An archive member with another number of lines than expected.
    #[error(
        "{member} in the archive downloaded from {url} has {actual} lines, expected {expected}. {}",
        retry_hint()
    )]
    LineCount {
        /// The requested URL.
        url: String,
        /// The archive member.
        member: String,
        /// The expected number of lines.
        expected: usize,
        /// The number of lines found.
        actual: usize,
    },

    /// An archive member with a line that is not a review of the member's
    /// label.
    #[error(
        "{member} in the archive downloaded from {url}: line {line}: {problem}. {}",
        retry_hint()
    )]
    InvalidLine {
        /// The requested URL.
        url: String,
        /// The archive member.
        member: String,
        /// Line number, from 1.
        line: usize,
        /// The reason the line was rejected.
        problem: LineProblem,
    },

    /// A local file operation that failed, such as creating the cache
    /// directory or writing a downloaded file.
    #[error(
        "I/O error on {}: {source}. Check that the directory is writable and has free space, \
         or choose another cache directory with {DATA_DIR_VAR}",
        path.display()
    )]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
}

/// The reason a line of a downloaded review file was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// A line that is not valid UTF-8.
    #[error("invalid UTF-8")]
    InvalidUtf8,

    /// A line that is not in the `name:count ... #label#:<label>` format.
    #[error("{0}")]
    Parse(#[from] LineError),

    /// A review whose label differs from the label of its file.
    #[error("the label is not #label#:{expected}, the label of every review of this file")]
    WrongLabel {
        /// The label of the file: `positive` or `negative`.
        expected: &'static str,
    },
}

/// Returns the advice that ends the message of a failed or corrupt download.
fn retry_hint() -> String {
    format!(
        "Retry, check the network connection, or download processed_acl.tar.gz by hand \
         from {DATASET_PAGE}, extract it and set {DATA_DIR_VAR} to the extracted \
         processed_acl directory"
    )
}
