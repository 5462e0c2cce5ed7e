//! Parser of one line of a `.review` file.

use super::{NEGATIVE, POSITIVE};

/// Prefix of the label token that ends every review line.
pub const LABEL_PREFIX: &str = "#label#:";

/// One review: its feature tokens and its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// The `(name, count)` pair of every feature token, in line order. A
    /// name may occur more than once; the reader adds the counts of a
    /// repeated name.
    pub features: Vec<(String, u64)>,
    /// The class: [`POSITIVE`] or [`NEGATIVE`].
    pub label: usize,
}

/// An error of parsing one review line. Every variant except
/// [`LineError::Blank`] carries the offending token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// A line with no tokens.
    #[error("the line is blank; expected name:count tokens and a #label# token")]
    Blank,

    /// A last token that does not start with `#label#:`.
    #[error(
        "missing label: the last token {token:?} does not start with \"#label#:\"; \
         expected #label#:positive or #label#:negative at the end of the line"
    )]
    MissingLabel {
        /// The last token of the line.
        token: String,
    },

    /// A label token other than `#label#:positive` and `#label#:negative`.
    #[error("unknown label {token:?}; expected #label#:positive or #label#:negative")]
    UnknownLabel {
        /// The label token.
        token: String,
    },

    /// A feature token without a `:`.
    #[error("feature token {token:?} has no ':'; expected name:count")]
    MissingColon {
        /// The feature token.
        token: String,
    },

    /// A feature token with nothing before its last `:`.
    #[error("feature token {token:?} has an empty name; expected name:count")]
    EmptyName {
        /// The feature token.
        token: String,
    },

    /// A feature token with nothing after its last `:`.
    #[error("feature token {token:?} has an empty count; expected name:count")]
    EmptyCount {
        /// The feature token.
        token: String,
    },

    /// A count that is not a non-negative integer written in decimal digits.
    #[error("feature token {token:?} has an invalid count; expected a non-negative integer")]
    InvalidCount {
        /// The feature token.
        token: String,
    },

    /// A count above `u64::MAX`.
    #[error("the count of feature token {token:?} does not fit in a u64")]
    CountOverflow {
        /// The feature token.
        token: String,
    },
}

impl LineError {
    /// Returns the offending token, or `None` for a blank line.
    pub fn token(&self) -> Option<&str> {
        match self {
            LineError::Blank => None,
            LineError::MissingLabel { token }
            | LineError::UnknownLabel { token }
            | LineError::MissingColon { token }
            | LineError::EmptyName { token }
            | LineError::EmptyCount { token }
            | LineError::InvalidCount { token }
            | LineError::CountOverflow { token } => Some(token),
        }
    }
}

/// Parses one line of a `.review` file: `name:count` tokens followed by
/// `#label#:positive` or `#label#:negative`.
///
/// Tokens are separated by runs of ASCII whitespace (space, tab, line feed,
/// form feed, carriage return), so repeated or trailing spaces and a CRLF
/// line end add no empty token. Each feature token is split at its last
/// `:`, so `a:b:3` is the feature `a:b` with count 3. Names are kept
/// verbatim, control characters and U+FFFD included. A line with only the
/// label is a review without features.
///
/// # Errors
///
/// Returns a [`LineError`] naming the offending token when the line is
/// blank or its label is missing or unknown. A feature token is rejected
/// when it has no `:`, an empty name, or a count that is empty, not made of
/// decimal digits, or above `u64::MAX`. The function never panics.
///
/// ```
/// use mlp_runtime::corpus::{LineError, POSITIVE, parse_line};
///
/// let review = parse_line("a_great:1 great:2 #label#:positive")?;
/// assert_eq!(review.label, POSITIVE);
/// assert_eq!(review.features[1], ("great".to_owned(), 2));
///
/// let error = parse_line("great #label#:positive").unwrap_err();
/// assert_eq!(error.token(), Some("great")); // a feature token without `:`
/// # Ok::<(), LineError>(())
/// ```
pub fn parse_line(line: &str) -> Result<Review, LineError> {
    let mut tokens: Vec<&str> = line.split_ascii_whitespace().collect();
    let label_token = tokens.pop().ok_or(LineError::Blank)?;
    let label = parse_label(label_token)?;
    let features = tokens
        .into_iter()
        .map(parse_feature)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Review { features, label })
}

fn parse_label(token: &str) -> Result<usize, LineError> {
    match token.strip_prefix(LABEL_PREFIX) {
        Some("positive") => Ok(POSITIVE),
        Some("negative") => Ok(NEGATIVE),
        Some(_) => Err(LineError::UnknownLabel {
            token: token.to_owned(),
        }),
        None => Err(LineError::MissingLabel {
            token: token.to_owned(),
        }),
    }
}

fn parse_feature(token: &str) -> Result<(String, u64), LineError> {
    let owned = || token.to_owned();
    let Some((name, count)) = token.rsplit_once(':') else {
        return Err(LineError::MissingColon { token: owned() });
    };
    if name.is_empty() {
        return Err(LineError::EmptyName { token: owned() });
    }
    if count.is_empty() {
        return Err(LineError::EmptyCount { token: owned() });
    }
    // `u64::from_str` also accepts a leading `+`, which the format never has.
    if !count.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(LineError::InvalidCount { token: owned() });
    }
    // Only overflow is left once every byte is a digit.
    let count = count
        .parse::<u64>()
        .map_err(|_| LineError::CountOverflow { token: owned() })?;
    Ok((name.to_owned(), count))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A check that an error is of one variant.
    type IsVariant = fn(&LineError) -> bool;

    fn error_of(line: &str) -> LineError {
        parse_line(line).expect_err("the line is invalid")
    }

    #[test]
    fn review_with_features() {
        let review = parse_line("good:2 a_b:1 #label#:positive").unwrap();
        assert_eq!(review.label, POSITIVE);
        assert_eq!(
            review.features,
            vec![("good".to_owned(), 2), ("a_b".to_owned(), 1)]
        );
    }

    #[test]
    fn split_at_last_colon() {
        let review = parse_line("a:b:3 ::1 #label#:negative").unwrap();
        assert_eq!(review.label, NEGATIVE);
        assert_eq!(
            review.features,
            vec![("a:b".to_owned(), 3), (":".to_owned(), 1)]
        );
    }

    #[test]
    fn whitespace_runs_and_crlf() {
        let review = parse_line("  great:2\t movie:1  #label#:positive \r").unwrap();
        assert_eq!(
            review.features,
            vec![("great".to_owned(), 2), ("movie".to_owned(), 1)]
        );
    }

    #[test]
    fn label_only_line() {
        let review = parse_line("#label#:positive").unwrap();
        assert!(review.features.is_empty());
        assert_eq!(review.label, POSITIVE);
    }

    #[test]
    fn zero_and_large_counts() {
        let review = parse_line("a:0 b:007 c:18446744073709551615 #label#:positive").unwrap();
        let counts: Vec<u64> = review.features.iter().map(|(_, count)| *count).collect();
        assert_eq!(counts, vec![0, 7, u64::MAX]);
    }

    #[test]
    fn blank_lines() {
        assert_eq!(error_of(""), LineError::Blank);
        assert_eq!(error_of(" \t\r"), LineError::Blank);
    }

    #[test]
    fn label_errors() {
        let cases = [
            ("good:1 bad:2", "bad:2", "MissingLabel"),
            ("good:1", "good:1", "MissingLabel"),
            (
                "good:1 #label#:Positive",
                "#label#:Positive",
                "UnknownLabel",
            ),
            ("good:1 #label#:neutral", "#label#:neutral", "UnknownLabel"),
            ("good:1 #label#:", "#label#:", "UnknownLabel"),
        ];
        for (line, token, variant) in cases {
            let error = error_of(line);
            assert_eq!(error.token(), Some(token), "line {line:?}");
            let matched = match variant {
                "MissingLabel" => matches!(error, LineError::MissingLabel { .. }),
                _ => matches!(error, LineError::UnknownLabel { .. }),
            };
            assert!(matched, "line {line:?} gave {error:?}, expected {variant}");
        }
    }

    #[test]
    fn feature_errors() {
        let cases: [(&str, IsVariant); 7] = [
            ("great", |e| matches!(e, LineError::MissingColon { .. })),
            ("great:", |e| matches!(e, LineError::EmptyCount { .. })),
            (":2", |e| matches!(e, LineError::EmptyName { .. })),
            ("x:1.5", |e| matches!(e, LineError::InvalidCount { .. })),
            ("good:-1", |e| matches!(e, LineError::InvalidCount { .. })),
            ("good:+1", |e| matches!(e, LineError::InvalidCount { .. })),
            ("big:18446744073709551616", |e| {
                matches!(e, LineError::CountOverflow { .. })
            }),
        ];
        for (token, is_expected_variant) in cases {
            let line = format!("fine:1 {token} #label#:positive");
            let error = error_of(&line);
            assert!(is_expected_variant(&error), "{token:?} gave {error:?}");
            assert_eq!(error.token(), Some(token));
            assert!(
                error.to_string().contains(&format!("{token:?}")),
                "message {error} quotes {token:?}"
            );
        }
    }

    #[test]
    fn names_kept_verbatim() {
        let line = "<num>_:2 were__right_:1 _won't__buy:1 a\u{1a}b:1 clich\u{fffd}d_characters:1 \
                    #3:1 #label#:negative";
        let review = parse_line(line).unwrap();
        let names: Vec<&str> = review.features.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "<num>_",
                "were__right_",
                "_won't__buy",
                "a\u{1a}b",
                "clich\u{fffd}d_characters",
                "#3",
            ]
        );
    }

    #[test]
    fn arbitrary_text_does_not_panic() {
        let samples = [
            ":",
            "::",
            "#label#",
            "#label#:positive:1",
            "\u{0}:\u{0}",
            "é:1 #label#:negative",
            "\u{b}",
            "a:\u{663} #label#:positive",
        ];
        for sample in samples {
            let _ = parse_line(sample);
        }
    }

    #[test]
    fn random_lines_do_not_panic() {
        let pieces = [
            "a",
            "b_c",
            ":",
            "::",
            "0",
            "7",
            "18446744073709551616",
            "-",
            "+",
            ".",
            " ",
            "  ",
            "\t",
            "\r",
            "\n",
            "\u{b}",
            "\u{1a}",
            "\u{fffd}",
            "\u{e9}",
            "\u{1f600}",
            "#label#:",
            "positive",
            "negative",
            "#label#:positive",
            "#label#:negative",
        ];
        let mut rng = crate::rng::MersenneTwister::new(2015);
        for _ in 0..20_000 {
            let length = rng.below(12) as usize;
            let line: String = (0..length)
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            if let Ok(review) = parse_line(&line) {
                let label = line.split_ascii_whitespace().last();
                assert!(
                    matches!(label, Some("#label#:positive" | "#label#:negative")),
                    "{line:?} was accepted"
                );
                assert!(review.features.iter().all(|(name, _)| !name.is_empty()));
            }
        }
    }
}
