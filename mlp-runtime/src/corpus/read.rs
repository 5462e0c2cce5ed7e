//! Reading the review files into feature ids and counting the features.

use std::hash::{BuildHasher, RandomState};
use std::path::Path;

use hashbrown::HashTable;

use super::error::CorpusError;
use super::parse::{LABEL_PREFIX, parse_line};
use super::{NEGATIVE, POSITIVE};

/// Every distinct feature name of the files read so far, numbered in order
/// of first appearance, with its total count.
///
/// A corpus has hundreds of thousands of distinct names, so each is stored
/// once: the hash table stores ids into `names`, not copies of the names.
#[derive(Default)]
pub(crate) struct Vocabulary {
    pub(crate) names: Vec<String>,
    pub(crate) totals: Vec<u64>,
    ids: HashTable<u32>,
    hasher: RandomState,
}

impl Vocabulary {
    /// Adds `count` to the total of `name`, numbering the name when it is
    /// new, and returns its id, or `None` when a new name would not fit in a
    /// `u32` id.
    fn add(&mut self, name: String, count: u64) -> Option<u32> {
        let hash = self.hasher.hash_one(name.as_str());
        let names = &self.names;
        if let Some(&id) = self.ids.find(hash, |&id| names[id as usize] == name) {
            let total = &mut self.totals[id as usize];
            *total = total.saturating_add(count);
            return Some(id);
        }
        // u32::MAX stays free: the lab-order table uses it for empty slots.
        let id = u32::try_from(self.names.len())
            .ok()
            .filter(|&id| id < u32::MAX)?;
        let (names, hasher) = (&self.names, &self.hasher);
        self.ids
            .insert_unique(hash, id, |&id| hasher.hash_one(names[id as usize].as_str()));
        self.names.push(name);
        self.totals.push(count);
        Some(id)
    }
}

/// One review as `(feature id, count)` pairs in line order.
pub(crate) type ReviewIds = Vec<(u32, u64)>;

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
        // A fresh vector of exactly the review's length: collecting in place
        // would keep the larger allocation of the parsed names.
        let mut ids = Vec::with_capacity(review.features.len());
        for (name, count) in review.features {
            let id = vocabulary
                .add(name, count)
                .ok_or(CorpusError::TooManyFeatures {
                    count: vocabulary.names.len(),
                })?;
            ids.push((id, count));
        }
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
