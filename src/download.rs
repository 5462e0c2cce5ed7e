//! Downloading and verifying the sentiment corpus into a cache directory.
//!
//! [`ensure_domain`] returns the directory of a domain of the Multi-Domain
//! Sentiment Dataset, downloading it first when the cache does not contain
//! it yet:
//!
//! - `books` comes from the LxMLS toolkit repository on GitHub, whose two
//!   files are checked against their SHA-256 digests.
//! - `dvd`, `electronics` and `kitchen` come from the dataset's archive
//!   `processed_acl.tar.gz`. Its two files per domain are checked to have
//!   1000 lines, each a review with the label of its file.
//!
//! Files are written to temporary files next to their final place and
//! renamed only once verified, so a failed download leaves no partial
//! `positive.review` or `negative.review` behind.
//!
//! ```no_run
//! use mlp::corpus::{Corpus, CorpusOptions};
//! use mlp::download::{DownloadOptions, ensure_domain};
//!
//! let dir = ensure_domain("books", &DownloadOptions::default())?;
//! let corpus = Corpus::load(&dir, &CorpusOptions::default())?;
//! assert_eq!(corpus.len(), 2000);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod archive;
mod error;
mod fetch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use mlp_runtime::corpus::{DATA_DIR_VAR, NEGATIVE_FILE, POSITIVE_FILE};

pub use error::{DownloadError, LineProblem};
use fetch::{Fetcher, StagedDomain, stage_in};

/// The domains of the Multi-Domain Sentiment Dataset.
pub const DOMAINS: [&str; 4] = ["books", "dvd", "electronics", "kitchen"];

/// Environment variable naming a mirror that replaces both download
/// sources: the books files are fetched from `<mirror>/books/<file>` and
/// the archive from `<mirror>/processed_acl.tar.gz`.
pub const BASE_URL_VAR: &str = "MLP_DOWNLOAD_BASE_URL";

/// URL of the directory of the LxMLS toolkit that contains `books/`.
pub const BOOKS_BASE_URL: &str =
    "https://raw.githubusercontent.com/LxMLS/lxmls-toolkit/master/data/sentiment";

/// URL of the directory of the dataset's web site that contains
/// [`ARCHIVE_FILE`].
pub const ARCHIVE_BASE_URL: &str = "https://www.cs.jhu.edu/~mdredze/datasets/sentiment";

/// File name of the dataset's archive, which contains
/// `processed_acl/<domain>/positive.review` and `negative.review`.
pub const ARCHIVE_FILE: &str = "processed_acl.tar.gz";

/// Number of lines, one review each, of every review file of the archive.
pub const REVIEWS_PER_FILE: usize = 1000;

/// SHA-256 digests of the books files of the LxMLS toolkit.
const BOOKS_POSITIVE_SHA256: &str =
    "d27a35a59e99b2c2d56731cad8d63870f8a3b9063a70bf8c18862e0a107cdd02";
const BOOKS_NEGATIVE_SHA256: &str =
    "42e4d7e63f429e396de0db87b814f8c6a4b4948d34c94524725b0fe2944a0ff4";

/// Path of the platform cache folder under which the corpus is cached when
/// neither a directory nor `MLP_DATA_DIR` is given.
const CACHE_SUBDIR: [&str; 2] = ["mlp", "sentiment"];

/// The progress output of a download on standard error.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar of bytes when standard error is a terminal, else one
    /// line per file.
    #[default]
    Auto,
    /// One line per file, naming its URL and size.
    Lines,
    /// Nothing.
    Quiet,
}

/// Settings of [`ensure_domain`].
///
/// ```
/// use std::path::PathBuf;
/// use mlp::download::{DownloadOptions, Progress};
///
/// let options = DownloadOptions {
///     cache_dir: Some(PathBuf::from("data/sentiment")),
///     progress: Progress::Quiet,
///     ..DownloadOptions::default()
/// };
/// assert_eq!(options.resolve_cache_dir()?, PathBuf::from("data/sentiment"));
/// # Ok::<(), mlp::download::DownloadError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadOptions {
    /// Directory that contains one directory per domain. `None` means
    /// `$MLP_DATA_DIR`, or `mlp/sentiment` in the platform cache folder
    /// (such as `~/.cache` on Linux) when that variable is unset or empty.
    pub cache_dir: Option<PathBuf>,
    /// URL of the directory that contains `books/positive.review` and
    /// `books/negative.review`. `None` means `$MLP_DOWNLOAD_BASE_URL`, or
    /// [`BOOKS_BASE_URL`] when that variable is unset or empty.
    pub books_base_url: Option<String>,
    /// URL of the directory that contains [`ARCHIVE_FILE`]. `None` means
    /// `$MLP_DOWNLOAD_BASE_URL`, or [`ARCHIVE_BASE_URL`] when that variable
    /// is unset or empty.
    pub archive_base_url: Option<String>,
    /// The progress output on standard error.
    pub progress: Progress,
    /// Time limit of resolving the host, connecting, sending the request,
    /// receiving the response headers, and of each read of the body. The
    /// download as a whole has no time limit.
    pub timeout: Duration,
}

impl Default for DownloadOptions {
    /// Returns options that read the cache directory and the mirror from the
    /// environment, show progress, and time out after 30 seconds.
    fn default() -> Self {
        DownloadOptions {
            cache_dir: None,
            books_base_url: None,
            archive_base_url: None,
            progress: Progress::Auto,
            timeout: Duration::from_secs(30),
        }
    }
}

impl DownloadOptions {
    /// Returns the directory that contains one directory per domain:
    /// [`DownloadOptions::cache_dir`] when set, else `$MLP_DATA_DIR`, else
    /// `mlp/sentiment` in the platform cache folder.
    ///
    /// # Errors
    ///
    /// Returns [`DownloadError::NoCacheDir`] when none of the three is
    /// available.
    pub fn resolve_cache_dir(&self) -> Result<PathBuf, DownloadError> {
        if let Some(dir) = &self.cache_dir {
            return Ok(dir.clone());
        }
        if let Some(dir) = std::env::var_os(DATA_DIR_VAR)
            && !dir.is_empty()
        {
            return Ok(PathBuf::from(dir));
        }
        let platform = dirs::cache_dir().ok_or(DownloadError::NoCacheDir)?;
        Ok(CACHE_SUBDIR
            .iter()
            .fold(platform, |dir, name| dir.join(name)))
    }

    fn resolve_books_base_url(&self) -> String {
        let from_env = std::env::var(BASE_URL_VAR).ok();
        choose_base_url(
            self.books_base_url.as_deref(),
            from_env.as_deref(),
            BOOKS_BASE_URL,
        )
    }

    fn resolve_archive_base_url(&self) -> String {
        let from_env = std::env::var(BASE_URL_VAR).ok();
        choose_base_url(
            self.archive_base_url.as_deref(),
            from_env.as_deref(),
            ARCHIVE_BASE_URL,
        )
    }
}

/// Returns `explicit`, else a non-empty `from_env`, else `default`, without
/// a trailing `/`.
fn choose_base_url(explicit: Option<&str>, from_env: Option<&str>, default: &str) -> String {
    let url = explicit
        .or(from_env.filter(|url| !url.is_empty()))
        .unwrap_or(default);
    url.trim_end_matches('/').to_owned()
}

/// Returns the directory of `domain` under the cache directory, downloading
/// and verifying its `positive.review` and `negative.review` first unless
/// both are already there.
///
/// The cache directory is the one of [`DownloadOptions::resolve_cache_dir`],
/// and the result is `<cache>/<domain>`. So with `MLP_DATA_DIR` pointing
/// at the cache, [`Corpus::load_domain`](crate::corpus::Corpus::load_domain)
/// finds the domain, and [`Corpus::load`](crate::corpus::Corpus::load)
/// reads the returned directory. Files found in the cache are used as they
/// are, without a new check.
///
/// ```no_run
/// use mlp::download::{DownloadOptions, ensure_domain};
///
/// let dir = ensure_domain("dvd", &DownloadOptions::default())?;
/// assert!(dir.join("positive.review").is_file());
/// # Ok::<(), mlp::download::DownloadError>(())
/// ```
///
/// # Errors
///
/// Returns [`DownloadError::UnknownDomain`] for a domain outside
/// [`DOMAINS`], before any request. A failed request, an HTTP status other
/// than 200, a body that does not verify or a failed file operation stops
/// the download with a [`DownloadError`] that names the URL or file. The
/// files get their final names only after both are verified, so a failed
/// call leaves no new `positive.review` or `negative.review` and no
/// temporary file.
pub fn ensure_domain(domain: &str, options: &DownloadOptions) -> Result<PathBuf, DownloadError> {
    if !DOMAINS.contains(&domain) {
        return Err(DownloadError::UnknownDomain {
            domain: domain.to_owned(),
        });
    }
    let dir = options.resolve_cache_dir()?.join(domain);
    if dir.join(POSITIVE_FILE).is_file() && dir.join(NEGATIVE_FILE).is_file() {
        return Ok(dir);
    }

    let created = !dir.exists();
    std::fs::create_dir_all(&dir).map_err(|source| DownloadError::Io {
        path: dir.clone(),
        source,
    })?;
    let fetcher = Fetcher::new(options.timeout, options.progress);
    let staged = if domain == "books" {
        stage_books(&fetcher, &dir, options)
    } else {
        stage_from_archive(&fetcher, domain, &dir, options)
    };
    let result = staged.and_then(|staged| staged.persist(&dir));
    if result.is_err() && created {
        // Removes the directory only when it is empty, as it is after a
        // failure unless another process wrote into it meanwhile.
        let _ = std::fs::remove_dir(&dir);
    }
    result.map(|()| dir)
}

/// Downloads the books files into temporary files in `dir` and checks
/// their digests.
fn stage_books(
    fetcher: &Fetcher,
    dir: &Path,
    options: &DownloadOptions,
) -> Result<StagedDomain, DownloadError> {
    let base_url = options.resolve_books_base_url();
    let stage = |file_name: &str, expected: &str| {
        let url = format!("{base_url}/books/{file_name}");
        let mut staged = stage_in(dir, file_name)?;
        let actual = fetcher.fetch(&url, file_name, &mut staged)?;
        if actual != expected {
            return Err(DownloadError::ChecksumMismatch {
                url,
                expected: expected.to_owned(),
                actual,
            });
        }
        Ok(staged)
    };
    Ok(StagedDomain {
        positive: stage(POSITIVE_FILE, BOOKS_POSITIVE_SHA256)?,
        negative: stage(NEGATIVE_FILE, BOOKS_NEGATIVE_SHA256)?,
    })
}

/// Downloads the archive into a temporary file in `dir` and extracts the
/// review files of `domain` from it into temporary files there. The
/// archive itself is deleted on return.
fn stage_from_archive(
    fetcher: &Fetcher,
    domain: &str,
    dir: &Path,
    options: &DownloadOptions,
) -> Result<StagedDomain, DownloadError> {
    let url = format!("{}/{ARCHIVE_FILE}", options.resolve_archive_base_url());
    let mut archive = stage_in(dir, ARCHIVE_FILE)?;
    fetcher.fetch(&url, ARCHIVE_FILE, &mut archive)?;
    // A new handle reads the archive from its start.
    let file = archive.reopen().map_err(|source| DownloadError::Io {
        path: archive.path().to_path_buf(),
        source,
    })?;
    archive::extract_domain(file, domain, dir, &url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_precedence() {
        let mirror = Some("http://mirror.test/sentiment/");
        assert_eq!(
            choose_base_url(Some("http://a.test/x"), mirror, BOOKS_BASE_URL),
            "http://a.test/x"
        );
        assert_eq!(
            choose_base_url(None, mirror, BOOKS_BASE_URL),
            "http://mirror.test/sentiment"
        );
        assert_eq!(
            choose_base_url(None, Some(""), BOOKS_BASE_URL),
            BOOKS_BASE_URL
        );
        assert_eq!(
            choose_base_url(None, None, ARCHIVE_BASE_URL),
            ARCHIVE_BASE_URL
        );
    }

    #[test]
    fn explicit_cache_dir_wins() {
        let options = DownloadOptions {
            cache_dir: Some(PathBuf::from("cache")),
            ..DownloadOptions::default()
        };
        assert_eq!(options.resolve_cache_dir().unwrap(), PathBuf::from("cache"));
    }
}
