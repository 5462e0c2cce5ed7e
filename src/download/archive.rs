//! Extraction and verification of one domain of the `processed_acl`
//! archive.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Component, Path};

use flate2::read::GzDecoder;
use mlp_runtime::corpus::{NEGATIVE, NEGATIVE_FILE, POSITIVE, POSITIVE_FILE, parse_line};
use tempfile::NamedTempFile;

use super::fetch::{StagedDomain, stage_in};
use super::{DownloadError, LineProblem, REVIEWS_PER_FILE};

/// Top directory of the members of `processed_acl.tar.gz`.
const ARCHIVE_ROOT: &str = "processed_acl";

/// First two bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads `processed_acl/<domain>/positive.review` and `negative.review` from
/// a downloaded archive into temporary files in `dir`, checking that each
/// has [`REVIEWS_PER_FILE`] lines and that every line is a review with the
/// label of its file. Other members are skipped.
///
/// NOTE: this has run only on archives built by the tests. The line count
/// of the real archive's files is the dataset's stated 1000 per file.
///
/// The archive may be gzip-compressed or a plain tar file, because an HTTP
/// server may send the `.tar.gz` with `Content-Encoding: gzip`, which the
/// client then decompresses. The whole archive is read, so that a truncated
/// or corrupt stream is reported even after both members were found.
pub(super) fn extract_domain(
    archive: File,
    domain: &str,
    dir: &Path,
    url: &str,
) -> Result<StagedDomain, DownloadError> {
    let archive_error = |source| DownloadError::Archive {
        url: url.to_owned(),
        source,
    };
    let mut reader = BufReader::new(archive);
    let compressed = reader
        .fill_buf()
        .map_err(archive_error)?
        .starts_with(&GZIP_MAGIC);
    let reader: Box<dyn Read> = if compressed {
        Box::new(GzDecoder::new(reader))
    } else {
        Box::new(reader)
    };

    let mut tar = tar::Archive::new(reader);
    let mut positive = None;
    let mut negative = None;
    for entry in tar.entries().map_err(archive_error)? {
        let mut entry = entry.map_err(archive_error)?;
        let path = entry.path().map_err(archive_error)?;
        let Some(file_name) = member_file_name(&path, domain) else {
            continue;
        };
        // A link or directory of that name would not give the reviews.
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member = Member {
            url,
            name: format!("{ARCHIVE_ROOT}/{domain}/{file_name}"),
            class: if file_name == POSITIVE_FILE {
                POSITIVE
            } else {
                NEGATIVE
            },
        };
        let mut staged = stage_in(dir, file_name)?;
        member.copy_reviews(&mut entry, &mut staged)?;
        if file_name == POSITIVE_FILE {
            positive = Some(staged);
        } else {
            negative = Some(staged);
        }
    }

    // tar stops at the end-of-archive blocks, so the rest of the gzip stream
    // is read here to make flate2 check the stream's CRC-32 and length.
    io::copy(&mut tar.into_inner(), &mut io::sink()).map_err(archive_error)?;

    let missing = |file_name: &str| DownloadError::MissingMember {
        url: url.to_owned(),
        member: format!("{ARCHIVE_ROOT}/{domain}/{file_name}"),
    };
    Ok(StagedDomain {
        positive: positive.ok_or_else(|| missing(POSITIVE_FILE))?,
        negative: negative.ok_or_else(|| missing(NEGATIVE_FILE))?,
    })
}

/// Returns `positive.review` or `negative.review` when `path` is that file
/// of `domain` in the archive, else `None`.
///
/// Only a path of exactly three plain names matches, so a member name with
/// `..`, a root or a drive prefix never does. The extracted files are
/// written under fixed names, never under a name taken from the archive.
fn member_file_name(path: &Path, domain: &str) -> Option<&'static str> {
    let names: Vec<Component<'_>> = path
        .components()
        .filter(|component| *component != Component::CurDir)
        .collect();
    let [
        Component::Normal(root),
        Component::Normal(member_domain),
        Component::Normal(file),
    ] = names.as_slice()
    else {
        return None;
    };
    if *root != ARCHIVE_ROOT || *member_domain != domain {
        return None;
    }
    [POSITIVE_FILE, NEGATIVE_FILE]
        .into_iter()
        .find(|name| file == name)
}

/// A review file being extracted from the archive.
struct Member<'a> {
    url: &'a str,
    /// The member's path in the archive.
    name: String,
    /// The class of every review of the file: [`POSITIVE`] or [`NEGATIVE`].
    class: usize,
}

impl Member<'_> {
    /// Copies the member's bytes unchanged to `staged`, checking each line
    /// and the line count on the way.
    fn copy_reviews(
        &self,
        entry: &mut impl Read,
        staged: &mut NamedTempFile,
    ) -> Result<(), DownloadError> {
        let path = staged.path().to_path_buf();
        let write_error = |source| DownloadError::Io {
            path: path.clone(),
            source,
        };
        let mut reader = BufReader::new(entry);
        let mut bytes = Vec::new();
        let mut lines = 0;
        loop {
            bytes.clear();
            let read =
                reader
                    .read_until(b'\n', &mut bytes)
                    .map_err(|source| DownloadError::Archive {
                        url: self.url.to_owned(),
                        source,
                    })?;
            if read == 0 {
                break;
            }
            lines += 1;
            self.check_line(&bytes, lines)?;
            staged.write_all(&bytes).map_err(write_error)?;
        }
        staged.flush().map_err(write_error)?;

        if lines != REVIEWS_PER_FILE {
            return Err(DownloadError::LineCount {
                url: self.url.to_owned(),
                member: self.name.clone(),
                expected: REVIEWS_PER_FILE,
                actual: lines,
            });
        }
        Ok(())
    }

    /// Checks that line `line` (from 1) is a review with the member's label.
    fn check_line(&self, bytes: &[u8], line: usize) -> Result<(), DownloadError> {
        let invalid = |problem| DownloadError::InvalidLine {
            url: self.url.to_owned(),
            member: self.name.clone(),
            line,
            problem,
        };
        let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| invalid(LineProblem::InvalidUtf8))?;
        let review = parse_line(text).map_err(|error| invalid(LineProblem::Parse(error)))?;
        if review.label != self.class {
            let expected = if self.class == POSITIVE {
                "positive"
            } else {
                "negative"
            };
            return Err(invalid(LineProblem::WrongLabel { expected }));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_that_match() {
        let cases = [
            ("processed_acl/dvd/positive.review", Some(POSITIVE_FILE)),
            ("./processed_acl/dvd/negative.review", Some(NEGATIVE_FILE)),
            ("processed_acl/dvd/unlabeled.review", None),
            ("processed_acl/books/positive.review", None),
            ("processed_acl/dvd", None),
            ("other/dvd/positive.review", None),
            ("processed_acl/dvd/x/positive.review", None),
        ];
        for (path, expected) in cases {
            assert_eq!(member_file_name(Path::new(path), "dvd"), expected, "{path}");
        }
    }

    #[test]
    fn traversing_member_names_never_match() {
        let cases = [
            "/processed_acl/dvd/positive.review",
            "../processed_acl/dvd/positive.review",
            "processed_acl/../dvd/positive.review",
            "processed_acl/dvd/../positive.review",
            "processed_acl/dvd/../../dvd/positive.review",
        ];
        for path in cases {
            assert_eq!(member_file_name(Path::new(path), "dvd"), None, "{path}");
        }
    }
}
