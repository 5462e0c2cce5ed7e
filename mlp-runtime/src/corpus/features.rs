//! The vocabulary of a corpus and the conversion of reviews to sparse rows.

use std::collections::HashMap;
use std::fmt;

use super::parse::Review;
use crate::float::Float;

/// The features of a corpus: their names in column order, a name-to-column
/// map, and their total counts over both review files.
#[derive(Clone)]
pub struct Features {
    names: Vec<String>,
    counts: Vec<u64>,
    columns: HashMap<String, u32>,
    distinct_names: usize,
}

impl Features {
    /// Creates the vocabulary from names and total counts in column order.
    /// The caller guarantees distinct names and at most `u32::MAX + 1` of
    /// them.
    pub(crate) fn new(names: Vec<String>, counts: Vec<u64>, distinct_names: usize) -> Self {
        let columns = names
            .iter()
            .enumerate()
            .map(|(column, name)| (name.clone(), column as u32))
            .collect();
        Features {
            names,
            counts,
            columns,
            distinct_names,
        }
    }

    /// Returns the number of features, which is the number of columns of X.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Returns `true` when no feature reached the minimum count.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Returns the name of the feature in column `column`.
    ///
    /// # Panics
    ///
    /// Panics when `column` is not below [`Features::len`].
    pub fn name(&self, column: usize) -> &str {
        &self.names[column]
    }

    /// Returns the column of the feature `name`, or `None` when the corpus
    /// does not contain it or it fell below the minimum count.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.get(name).map(|&column| column as usize)
    }

    /// Returns the total count of the feature in column `column` over both
    /// review files. Totals saturate at `u64::MAX`.
    ///
    /// # Panics
    ///
    /// Panics when `column` is not below [`Features::len`].
    pub fn count(&self, column: usize) -> u64 {
        self.counts[column]
    }

    /// Returns the feature names in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Returns the number of distinct feature names in the corpus, including
    /// those below the minimum count.
    pub fn distinct_names(&self) -> usize {
        self.distinct_names
    }

    /// Converts a review to the `(column, value)` entries of its row of X,
    /// sorted by column.
    ///
    /// Names that are not features of this corpus are dropped, the counts of
    /// a repeated name are added, and a total count of 0 gives no entry.
    /// This is how the corpus builds its own rows, so a review read from one
    /// of its files gives the same entries as its row of X.
    pub fn vectorize<F: Float>(&self, review: &Review) -> Vec<(u32, F)> {
        let entries = review
            .features
            .iter()
            .filter_map(|(name, count)| self.columns.get(name.as_str()).map(|&c| (c, *count)))
            .collect();
        sparse_row(entries)
    }
}

impl fmt::Debug for Features {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Features")
            .field("len", &self.len())
            .field("distinct_names", &self.distinct_names)
            .field("first", &self.names.first())
            .finish_non_exhaustive()
    }
}

/// Turns `(column, count)` pairs in any order into the entries of a CSR
/// row: sorted by column, repeated columns summed (saturating at
/// `u64::MAX`), zero totals dropped, and counts converted to `F`.
pub(crate) fn sparse_row<F: Float>(mut entries: Vec<(u32, u64)>) -> Vec<(u32, F)> {
    entries.sort_unstable_by_key(|&(column, _)| column);
    let mut merged: Vec<(u32, u64)> = Vec::with_capacity(entries.len());
    for (column, count) in entries {
        match merged.last_mut() {
            Some((last, total)) if *last == column => *total = total.saturating_add(count),
            _ => merged.push((column, count)),
        }
    }
    merged
        .into_iter()
        .filter(|&(_, count)| count > 0)
        .map(|(column, count)| (column, <F as Float>::from_f64(count as f64)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_row_merges_and_sorts() {
        let row: Vec<(u32, f64)> = sparse_row(vec![(4, 1), (1, 2), (4, 3), (2, 0), (1, 0)]);
        assert_eq!(row, vec![(1, 2.0), (4, 4.0)]);
    }

    #[test]
    fn vectorize_drops_unknown_names() {
        let features = Features::new(vec!["b".into(), "a".into()], vec![7, 5], 3);
        let review = Review {
            features: vec![
                ("a".into(), 1),
                ("rare".into(), 4),
                ("b".into(), 2),
                ("a".into(), 2),
            ],
            label: 0,
        };
        let row: Vec<(u32, f32)> = features.vectorize(&review);
        assert_eq!(row, vec![(0, 2.0), (1, 3.0)]);
        assert_eq!(features.index("a"), Some(1));
        assert_eq!(features.index("rare"), None);
        assert_eq!(features.count(0), 7);
    }
}
