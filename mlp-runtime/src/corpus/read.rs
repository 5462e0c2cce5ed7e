//! Reading the review files into feature ids and counting the features.

use std::collections::HashMap;
use std::path::Path;

use super::error::CorpusError;
use super::parse::{LABEL_PREFIX, parse_line};
use super::{NEGATIVE, POSITIVE};

/// Every distinct feature name of the files read so far, numbered in order
/// of first appearance, with its total count.
#[derive(Default)]
pub(crate) struct Vocabulary {
    pub(crate) names: Vec<String>,
    pub(crate) totals: Vec<u64>,
    ids: HashMap<String, usize>,
}

impl Vocabulary {
    /// Adds `count` to the total of `name`, numbering the name when it is
    /// new, and returns its id.
    fn add(&mut self, name: String, count: u64) -> usize {
        if let Some(&id) = self.ids.get(&name) {
            self.totals[id] = self.totals[id].saturating_add(count);
            return id;
        }
        let id = self.names.len();
        self.ids.insert(name.clone(), id);
        self.names.push(name);
        self.totals.push(count);
        id
    }
}

/// One review as `(feature id, count)` pairs in line order.
pub(crate) type ReviewIds = Vec<(usize, u64)>;

/// Reads every review of a file whose lines must all carry `label`, adding
/// their features to `vocabulary`.
///
/// Each line is decoded as UTF-8 on its own, so an error names its line.
/// Blank lines are skipped but still counted for line numbers.
pub(crate) fn read_review_file(
    path: &Path,
    label: usize,
    vocabulary: &mut Vocabulary,
) -> Result<Vec<ReviewIds>, CorpusError> {
    let bytes = std::fs::read(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            CorpusError::MissingFile {
                path: path.to_path_buf(),
            }
        } else {
            CorpusError::Read {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;

    let mut reviews = Vec::new();
    for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = std::str::from_utf8(raw).map_err(|error| CorpusError::InvalidUtf8 {
            path: path.to_path_buf(),
            line,
            valid_up_to: error.valid_up_to(),
        })?;
        let review = parse_line(text).map_err(|source| CorpusError::Line {
            path: path.to_path_buf(),
            line,
            source,
        })?;
        if review.label != label {
            return Err(CorpusError::LabelMismatch {
                path: path.to_path_buf(),
                line,
                token: format!("{LABEL_PREFIX}{}", label_name(review.label)),
                expected: label_name(label),
            });
        }
        let ids = review
            .features
            .into_iter()
            .map(|(name, count)| (vocabulary.add(name, count), count))
            .collect();
        reviews.push(ids);
    }

    if reviews.is_empty() {
        return Err(CorpusError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(reviews)
}

/// Returns the label word of a class: `positive` or `negative`.
pub(crate) fn label_name(label: usize) -> &'static str {
    match label {
        POSITIVE => "positive",
        NEGATIVE => "negative",
        _ => "unknown",
    }
}
