//! Reader of the Multi-Domain Sentiment Dataset ("processed_acl" format).

/// Errors of the corpus reader.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    /// The corpus directory was not found.
    #[error("corpus not found")]
    NotFound,
}
