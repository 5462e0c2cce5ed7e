//! Finding the directory of a corpus domain.

use std::path::{Path, PathBuf};

use super::error::CorpusError;
use super::{DATA_DIR_VAR, POSITIVE_FILE};

/// Finds the directory that contains the review files of `domain`, such as
/// `books`.
///
/// With `explicit` set to `Some(dir)`, the result is `dir` itself when it
/// contains `positive.review`, else `dir/<domain>`. With `None`, the result
/// is `$MLP_DATA_DIR/<domain>`. Only `positive.review` is checked here, so a
/// missing `negative.review` is reported when the corpus is loaded.
///
/// # Errors
///
/// Returns [`CorpusError::NotFound`] when no candidate contains
/// `positive.review` or when `explicit` is `None` and `MLP_DATA_DIR` is
/// unset or empty. Its message lists every directory checked and explains
/// how to download the dataset.
pub fn locate_domain(domain: &str, explicit: Option<&Path>) -> Result<PathBuf, CorpusError> {
    let candidates = match explicit {
        Some(dir) => vec![dir.to_path_buf(), dir.join(domain)],
        None => match std::env::var_os(DATA_DIR_VAR) {
            Some(dir) if !dir.is_empty() => vec![Path::new(&dir).join(domain)],
            _ => Vec::new(),
        },
    };
    for candidate in &candidates {
        if candidate.join(POSITIVE_FILE).is_file() {
            return Ok(candidate.clone());
        }
    }
    Err(CorpusError::NotFound {
        domain: domain.to_owned(),
        searched: candidates,
    })
}
