//! HTTP downloads into staged temporary files, with progress on standard
//! error.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use mlp_runtime::corpus::{NEGATIVE_FILE, POSITIVE_FILE};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;
use ureq::Agent;
use ureq::config::AutoHeaderValue;

use super::{DownloadError, Progress};

/// Size of the buffer that copies a response body to its file, in bytes.
const COPY_BUFFER: usize = 64 * 1024;

/// An HTTP agent and the progress display of one call of `ensure_domain`.
pub(super) struct Fetcher {
    agent: Agent,
    progress: Progress,
}

impl Fetcher {
    /// Creates an agent whose connection, request and per-read timeouts are
    /// `timeout`. The body as a whole has no time limit, so a slow but
    /// steady download is not cut off.
    pub(super) fn new(timeout: Duration, progress: Progress) -> Self {
        let config = Agent::config_builder()
            .timeout_resolve(Some(timeout))
            .timeout_connect(Some(timeout))
            .timeout_send_request(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            // Statuses are checked here, so that the error names the URL.
            .http_status_as_error(false)
            // Without `Accept-Encoding`, servers normally send the body as it
            // is, so the bytes counted match `Content-Length`.
            .accept_encoding(AutoHeaderValue::None)
            .user_agent(concat!("mlp/", env!("CARGO_PKG_VERSION")))
            .build();
        Fetcher {
            agent: config.into(),
            progress,
        }
    }

    /// Downloads `url` into `file` and returns the SHA-256 digest of the
    /// body in lowercase hex.
    ///
    /// `name` is the file name shown by the progress display.
    pub(super) fn fetch(
        &self,
        url: &str,
        name: &str,
        file: &mut NamedTempFile,
    ) -> Result<String, DownloadError> {
        let mut response = self
            .agent
            .get(url)
            .call()
            .map_err(|source| DownloadError::Request {
                url: url.to_owned(),
                source,
            })?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(DownloadError::Status {
                url: url.to_owned(),
                status,
            });
        }

        // The client decodes a body sent with a `Content-Encoding`, so its
        // `Content-Length` is not the number of bytes that will be read.
        let encoded = response
            .headers()
            .get("content-encoding")
            .is_some_and(|encoding| encoding != "identity");
        let body = response.body_mut();
        let length = body.content_length().filter(|_| !encoded);
        let display = Display::start(self.progress, url, name, length);
        let mut reader = body.as_reader();
        let mut hasher = Sha256::new();
        let mut buffer = vec![0; COPY_BUFFER];
        let path = file.path().to_path_buf();
        let write_error = |source| DownloadError::Io {
            path: path.clone(),
            source,
        };
        loop {
            let read = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(source) => {
                    return Err(DownloadError::Transfer {
                        url: url.to_owned(),
                        source,
                    });
                }
            };
            hasher.update(&buffer[..read]);
            file.as_file_mut()
                .write_all(&buffer[..read])
                .map_err(write_error)?;
            display.advance(read as u64);
        }
        display.finish();
        file.as_file_mut().flush().map_err(write_error)?;

        Ok(hex(&hasher.finalize()))
    }
}

/// Creates a hidden temporary file for `name` in `dir`, so that a later
/// rename to `dir/name` stays on one file system and is atomic.
pub(super) fn stage_in(dir: &Path, name: &str) -> Result<NamedTempFile, DownloadError> {
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".part");
    // tempfile creates files readable by their owner only. The renamed file
    // gets the mode of `File::create` instead: 0o666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
        .tempfile_in(dir)
        .map_err(|source| DownloadError::Io {
            path: dir.to_path_buf(),
            source,
        })
}

/// The verified review files of a domain, in temporary files of the
/// domain's directory.
pub(super) struct StagedDomain {
    pub(super) positive: NamedTempFile,
    pub(super) negative: NamedTempFile,
}

impl StagedDomain {
    /// Renames the files to `dir/negative.review` and `dir/positive.review`.
    ///
    /// `positive.review` comes last because `locate_domain` takes a
    /// directory with that file for a complete domain.
    pub(super) fn persist(self, dir: &Path) -> Result<(), DownloadError> {
        let negative = dir.join(NEGATIVE_FILE);
        persist(self.negative, negative.clone())?;
        let result = persist(self.positive, dir.join(POSITIVE_FILE));
        if result.is_err() {
            // A lone new negative.review would be half a domain.
            let _ = std::fs::remove_file(&negative);
        }
        result
    }
}

/// Syncs a verified temporary file to disk and renames it to `path`,
/// replacing any file there. On failure the temporary file is deleted.
fn persist(file: NamedTempFile, path: PathBuf) -> Result<(), DownloadError> {
    let io_error = |source| DownloadError::Io {
        path: path.clone(),
        source,
    };
    file.as_file().sync_all().map_err(io_error)?;
    file.persist(&path).map_err(|error| io_error(error.error))?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The progress display of one file.
enum Display {
    Bar(ProgressBar),
    Hidden,
}

impl Display {
    /// Starts the display of a download of `length` bytes, when known: a
    /// bar on a terminal, else one line.
    fn start(progress: Progress, url: &str, name: &str, length: Option<u64>) -> Self {
        let terminal = std::io::stderr().is_terminal();
        match progress {
            Progress::Quiet => Display::Hidden,
            Progress::Auto if terminal => Display::Bar(bar(name, length)),
            Progress::Auto | Progress::Lines => {
                match length {
                    Some(length) => eprintln!("Downloading {url} ({length} bytes)"),
                    None => eprintln!("Downloading {url}"),
                }
                Display::Hidden
            }
        }
    }

    fn advance(&self, bytes: u64) {
        if let Display::Bar(bar) = self {
            bar.inc(bytes);
        }
    }

    fn finish(self) {
        if let Display::Bar(bar) = self {
            bar.finish();
        }
    }
}

/// Returns a bar of bytes, or a spinner with a byte count when the length
/// is unknown.
fn bar(name: &str, length: Option<u64>) -> ProgressBar {
    let (bar, template) = match length {
        Some(length) => (
            ProgressBar::new(length),
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {msg} {bytes} ({bytes_per_sec})",
        ),
    };
    let style = ProgressStyle::with_template(template)
        .expect("the template is valid")
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(name.to_owned());
    bar
}
