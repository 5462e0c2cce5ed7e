//! Tests of the corpus download against an HTTP server on 127.0.0.1 that
//! each test starts itself. The server serves the books files of
//! `MLP_DATA_DIR` and archives that the tests build, so no test reaches
//! another host.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;
use mlp::corpus::{Corpus, CorpusOptions, DATA_DIR_VAR, locate_domain};
use mlp::download::{
    DOMAINS, DownloadError, DownloadOptions, LineProblem, Progress, ensure_domain,
};
use sha2::{Digest, Sha256};

const POSITIVE_PATH: &str = "/books/positive.review";
const NEGATIVE_PATH: &str = "/books/negative.review";
const ARCHIVE_PATH: &str = "/processed_acl.tar.gz";

// ---------------------------------------------------------------------------
// The local HTTP server
// ---------------------------------------------------------------------------

/// What the server sends for one path.
#[derive(Clone)]
enum Reply {
    /// Status 200 with the body and its `Content-Length`.
    Body(Vec<u8>),
    /// Status 200 with a gzip body and `Content-Encoding: gzip`, which is
    /// how some servers send `.tar.gz` files.
    GzipEncoded(Vec<u8>),
    /// The status with an empty body.
    Status(u16),
    /// Status 200 with the `Content-Length` of the whole body, then only
    /// its first half before the connection closes.
    CutShort(Vec<u8>),
    /// No response for 3 seconds, then a closed connection.
    Stall,
}

/// An HTTP/1.1 server on 127.0.0.1 that records the path of every request.
/// Paths without a route get status 404.
struct Server {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(routes: Vec<(&str, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
        let address = listener.local_addr().unwrap();
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(path, reply)| (path.to_owned(), reply))
                .collect(),
        );
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));

        let accept_thread = {
            let requests = Arc::clone(&requests);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else {
                        continue;
                    };
                    let routes = Arc::clone(&routes);
                    let requests = Arc::clone(&requests);
                    thread::spawn(move || serve(stream, &routes, &requests));
                }
            })
        };
        Server {
            address,
            requests,
            stop,
            accept_thread: Some(accept_thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the number of requests for `path` so far.
    fn request_count(&self, path: &str) -> usize {
        let requests = self.requests.lock().unwrap();
        requests.iter().filter(|request| *request == path).count()
    }

    fn total_requests(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // A connection wakes the accept loop so that it checks the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request from `stream` and sends the reply of its path.
fn serve(mut stream: TcpStream, routes: &HashMap<String, Reply>, requests: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header.trim_end().is_empty() => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    requests.lock().unwrap().push(path.clone());

    let reply = routes.get(&path).cloned().unwrap_or(Reply::Status(404));
    let _ = match reply {
        Reply::Body(body) => respond(&mut stream, 200, &[], &body, body.len()),
        Reply::GzipEncoded(body) => {
            let headers = [("Content-Encoding", "gzip")];
            respond(&mut stream, 200, &headers, &body, body.len())
        }
        Reply::Status(status) => respond(&mut stream, status, &[], &[], 0),
        Reply::CutShort(body) => {
            respond(&mut stream, 200, &[], &body[..body.len() / 2], body.len())
        }
        Reply::Stall => {
            thread::sleep(Duration::from_secs(3));
            Ok(())
        }
    };
}

/// Writes a response whose `Content-Length` is `length`, which may exceed
/// the bytes of `body` that are sent.
fn respond(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    length: usize,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Error",
    };
    let mut head =
        format!("HTTP/1.1 {status} {reason}\r\nContent-Length: {length}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}

// ---------------------------------------------------------------------------
// Corpus files and archives
// ---------------------------------------------------------------------------

/// Returns the bytes of a books file of the corpus under `MLP_DATA_DIR`.
fn books_file(name: &str) -> Vec<u8> {
    let Some(dir) = std::env::var_os(DATA_DIR_VAR) else {
        panic!("{DATA_DIR_VAR} is not set; the download tests serve the books files under it");
    };
    let path = Path::new(&dir).join("books").join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

fn books_positive() -> Vec<u8> {
    books_file("positive.review")
}

fn books_negative() -> Vec<u8> {
    books_file("negative.review")
}

/// Returns the first `count` lines of `text`, each with its line feed.
fn first_lines(text: &[u8], count: usize) -> Vec<u8> {
    text.split_inclusive(|&byte| byte == b'\n')
        .take(count)
        .flatten()
        .copied()
        .collect()
}

/// Returns `text` with line `line` (from 1) replaced by `replacement`.
fn replace_line(text: &[u8], line: usize, replacement: &[u8]) -> Vec<u8> {
    let mut output = Vec::new();
    for (index, original) in text.split_inclusive(|&byte| byte == b'\n').enumerate() {
        if index + 1 == line {
            output.extend_from_slice(replacement);
            output.push(b'\n');
        } else {
            output.extend_from_slice(original);
        }
    }
    output
}

/// A member of a test archive.
enum Member<'a> {
    /// A regular file, with a name that the tar crate accepts.
    File(&'a str, &'a [u8]),
    /// A regular file whose name is written into the header as it is, so
    /// that it may contain `..`.
    RawName(&'a str, &'a [u8]),
    /// A symbolic link to a target.
    Symlink(&'a str, &'a str),
}

/// Returns an uncompressed tar archive of `members`, preceded by the
/// directory entries of the real archive.
fn tar_archive(members: &[Member<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for dir in ["processed_acl/", "processed_acl/dvd/"] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_size(0);
        builder.append_data(&mut header, dir, &[][..]).unwrap();
    }
    for member in members {
        match member {
            Member::File(name, data) => {
                let mut header = tar::Header::new_gnu();
                header.set_mode(0o644);
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, name, *data).unwrap();
            }
            Member::RawName(name, data) => {
                let mut header = tar::Header::new_old();
                header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(data.len() as u64);
                header.set_cksum();
                builder.append(&header, *data).unwrap();
            }
            Member::Symlink(name, target) => {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder.append_link(&mut header, name, target).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Returns a `processed_acl.tar.gz` whose fake `dvd` domain has the given
/// review files, next to an unlabeled file and a books file that must be
/// skipped.
fn dvd_archive(positive: &[u8], negative: &[u8]) -> Vec<u8> {
    gzip(&tar_archive(&[
        Member::File(
            "processed_acl/books/positive.review",
            b"skip:1 #label#:positive\n",
        ),
        Member::File("processed_acl/dvd/negative.review", negative),
        Member::File(
            "processed_acl/dvd/unlabeled.review",
            b"any:1 #label#:unknown\n",
        ),
        Member::File("processed_acl/dvd/positive.review", positive),
    ]))
}

// ---------------------------------------------------------------------------
// Helpers of the checks
// ---------------------------------------------------------------------------

/// A check that a line problem is of one variant.
type IsProblem = fn(&LineProblem) -> bool;

fn options(cache: &Path, server: &Server) -> DownloadOptions {
    DownloadOptions {
        cache_dir: Some(cache.to_path_buf()),
        books_base_url: Some(server.url()),
        archive_base_url: Some(server.url()),
        progress: Progress::Quiet,
        timeout: Duration::from_secs(10),
    }
}

/// Returns every file under `dir`, at any depth, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Downloads `domain` from a server with `routes` into an empty cache and
/// returns the error, after checking that the cache contains no file.
fn failed_download(domain: &str, routes: Vec<(&str, Reply)>) -> DownloadError {
    let server = Server::start(routes);
    let cache = tempfile::tempdir().unwrap();
    let error =
        ensure_domain(domain, &options(cache.path(), &server)).expect_err("the download must fail");
    assert_eq!(
        files_under(cache.path()),
        Vec::<PathBuf>::new(),
        "files left after: {error}"
    );
    assert!(
        !cache.path().join(domain).exists(),
        "the domain directory is left after: {error}"
    );
    error
}

fn books_routes(positive: Vec<u8>, negative: Vec<u8>) -> Vec<(&'static str, Reply)> {
    vec![
        (POSITIVE_PATH, Reply::Body(positive)),
        (NEGATIVE_PATH, Reply::Body(negative)),
    ]
}

// ---------------------------------------------------------------------------
// Successful downloads
// ---------------------------------------------------------------------------

#[test]
fn books_download_verify_and_load() {
    let (positive, negative) = (books_positive(), books_negative());
    let server = Server::start(books_routes(positive.clone(), negative.clone()));
    let cache = tempfile::tempdir().unwrap();

    let dir = ensure_domain("books", &options(cache.path(), &server)).unwrap();

    assert_eq!(dir, cache.path().join("books"));
    assert_eq!(
        std::fs::read(dir.join("positive.review")).unwrap(),
        positive
    );
    assert_eq!(
        std::fs::read(dir.join("negative.review")).unwrap(),
        negative
    );
    assert_eq!(
        files_under(cache.path()),
        vec![dir.join("negative.review"), dir.join("positive.review")],
        "only the two review files are left"
    );
    assert_eq!(server.request_count(POSITIVE_PATH), 1);
    assert_eq!(server.request_count(NEGATIVE_PATH), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| path.metadata().unwrap().permissions().mode();
        let reference = cache.path().join("created");
        std::fs::File::create(&reference).unwrap();
        assert_eq!(
            mode(&dir.join("positive.review")),
            mode(&reference),
            "the mode of File::create"
        );
        std::fs::remove_file(&reference).unwrap();
    }

    assert_eq!(locate_domain("books", Some(cache.path())).unwrap(), dir);
    let corpus = Corpus::load(&dir, &CorpusOptions::default()).unwrap();
    assert_eq!(corpus.len(), 2000);
    assert_eq!(corpus.n_positive(), 1000);
    assert_eq!(corpus.n_negative(), 1000);
}

#[test]
fn second_call_uses_cache() {
    let server = Server::start(books_routes(books_positive(), books_negative()));
    let cache = tempfile::tempdir().unwrap();
    let options = options(cache.path(), &server);

    let first = ensure_domain("books", &options).unwrap();
    assert_eq!(server.total_requests(), 2);
    let second = ensure_domain("books", &options).unwrap();

    assert_eq!(second, first);
    assert_eq!(server.total_requests(), 2, "the second call made requests");
}

#[test]
fn archive_domain_download() {
    let (positive, negative) = (books_positive(), books_negative());
    let archive = dvd_archive(&positive, &negative);
    let server = Server::start(vec![(ARCHIVE_PATH, Reply::Body(archive))]);
    let cache = tempfile::tempdir().unwrap();
    let options = options(cache.path(), &server);

    let dir = ensure_domain("dvd", &options).unwrap();

    assert_eq!(dir, cache.path().join("dvd"));
    assert_eq!(
        std::fs::read(dir.join("positive.review")).unwrap(),
        positive
    );
    assert_eq!(
        std::fs::read(dir.join("negative.review")).unwrap(),
        negative
    );
    assert_eq!(
        files_under(cache.path()),
        vec![dir.join("negative.review"), dir.join("positive.review")],
        "the archive and the other members are not left"
    );
    let corpus = Corpus::load(&dir, &CorpusOptions::default()).unwrap();
    assert_eq!(corpus.len(), 2000);

    assert_eq!(ensure_domain("dvd", &options).unwrap(), dir);
    assert_eq!(server.request_count(ARCHIVE_PATH), 1);
    assert_eq!(server.total_requests(), 1);
}

#[test]
fn archive_sent_gzip_encoded() {
    // The HTTP client undoes a `Content-Encoding: gzip`, so the archive
    // arrives as a plain tar file.
    let (positive, negative) = (books_positive(), books_negative());
    let archive = dvd_archive(&positive, &negative);
    let server = Server::start(vec![(ARCHIVE_PATH, Reply::GzipEncoded(archive))]);
    let cache = tempfile::tempdir().unwrap();

    let dir = ensure_domain("dvd", &options(cache.path(), &server)).unwrap();

    assert_eq!(
        std::fs::read(dir.join("positive.review")).unwrap(),
        positive
    );
    assert_eq!(
        std::fs::read(dir.join("negative.review")).unwrap(),
        negative
    );
}

#[test]
fn traversing_member_names_are_skipped() {
    let (positive, negative) = (books_positive(), books_negative());
    let escape = b"escaped:1 #label#:positive\n";
    let archive = gzip(&tar_archive(&[
        Member::RawName("processed_acl/dvd/../../../escape.review", escape),
        Member::RawName("../escape.review", escape),
        Member::File("processed_acl/dvd/positive.review", &positive),
        Member::File("processed_acl/dvd/negative.review", &negative),
        // Taken for the domain's file, this member would replace it.
        Member::RawName("processed_acl/dvd/../dvd/positive.review", escape),
    ]));
    let server = Server::start(vec![(ARCHIVE_PATH, Reply::Body(archive))]);
    let root = tempfile::tempdir().unwrap();
    let cache = root.path().join("a/b/c");

    let dir = ensure_domain("dvd", &options(&cache, &server)).unwrap();

    assert_eq!(
        files_under(root.path()),
        vec![dir.join("negative.review"), dir.join("positive.review")]
    );
    assert_eq!(
        std::fs::read(dir.join("positive.review")).unwrap(),
        positive
    );
}

#[test]
fn missing_negative_file_downloaded_again() {
    let (positive, negative) = (books_positive(), books_negative());
    let server = Server::start(books_routes(positive, negative.clone()));
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().join("books");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("positive.review"), b"stale:1 #label#:positive\n").unwrap();

    ensure_domain("books", &options(cache.path(), &server)).unwrap();

    assert_eq!(server.total_requests(), 2);
    assert_eq!(
        std::fs::read(dir.join("negative.review")).unwrap(),
        negative
    );
    assert_eq!(
        std::fs::read(dir.join("positive.review")).unwrap(),
        books_positive()
    );
}

// ---------------------------------------------------------------------------
// Failed downloads
// ---------------------------------------------------------------------------

#[test]
fn corrupted_books_file_rejected() {
    let (positive, negative) = (books_positive(), books_negative());
    for (path, corrupt_positive) in [(POSITIVE_PATH, true), (NEGATIVE_PATH, false)] {
        let (mut served_positive, mut served_negative) = (positive.clone(), negative.clone());
        let corrupted = if corrupt_positive {
            &mut served_positive
        } else {
            &mut served_negative
        };
        // Changes one letter of a feature name, which keeps the line valid.
        let index = corrupted.iter().position(|&byte| byte == b'a').unwrap();
        corrupted[index] = b'b';
        let actual = sha256_hex(corrupted);
        let expected = if corrupt_positive {
            sha256_hex(&positive)
        } else {
            sha256_hex(&negative)
        };

        let error = failed_download("books", books_routes(served_positive, served_negative));

        assert!(
            matches!(error, DownloadError::ChecksumMismatch { .. }),
            "{path}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(path), "{message}");
        assert!(
            message.contains(&format!("expected sha256 {expected}")),
            "{message}"
        );
        assert!(message.contains(&format!("got {actual}")), "{message}");
        assert!(message.contains("MLP_DATA_DIR"), "{message}");
    }
}

#[test]
fn truncated_archive_rejected() {
    let archive = dvd_archive(&books_positive(), &books_negative());
    let truncated = archive[..archive.len() / 2].to_vec();
    // The gzip trailer ends with the CRC-32 and the length, 4 bytes each.
    let mut wrong_crc = archive.clone();
    let crc_byte = archive.len() - 8;
    wrong_crc[crc_byte] ^= 0xff;
    for (case, served) in [("cut in half", truncated), ("wrong CRC", wrong_crc)] {
        let error = failed_download("dvd", vec![(ARCHIVE_PATH, Reply::Body(served))]);

        assert!(
            matches!(error, DownloadError::Archive { .. }),
            "{case}: {error:?}"
        );
        let message = error.to_string();
        assert!(message.contains(ARCHIVE_PATH), "{case}: {message}");
        assert!(message.contains("truncated"), "{case}: {message}");
    }
}

#[test]
fn wrong_line_count_rejected() {
    let (positive, negative) = (books_positive(), books_negative());
    let short = first_lines(&positive, 999);
    let mut long = positive.clone();
    long.extend_from_slice(&first_lines(&positive, 1));
    for (served, actual) in [(short, 999), (long, 1001)] {
        let routes = vec![(ARCHIVE_PATH, Reply::Body(dvd_archive(&served, &negative)))];

        let error = failed_download("dvd", routes);

        let DownloadError::LineCount {
            member,
            expected,
            actual: found,
            ..
        } = &error
        else {
            panic!("expected a line count error, got {error:?}");
        };
        assert_eq!(member, "processed_acl/dvd/positive.review");
        assert_eq!(*expected, 1000);
        assert_eq!(*found, actual);
        let message = error.to_string();
        assert!(
            message.contains(&format!("has {actual} lines, expected 1000")),
            "{message}"
        );
    }
}

#[test]
fn wrong_label_rejected() {
    let (positive, negative) = (books_positive(), books_negative());
    let mixed = replace_line(&positive, 7, b"bad:1 #label#:negative");

    let error = failed_download(
        "dvd",
        vec![(ARCHIVE_PATH, Reply::Body(dvd_archive(&mixed, &negative)))],
    );

    let DownloadError::InvalidLine {
        member,
        line,
        problem,
        ..
    } = &error
    else {
        panic!("expected an invalid line error, got {error:?}");
    };
    assert_eq!(member, "processed_acl/dvd/positive.review");
    assert_eq!(*line, 7);
    assert_eq!(
        *problem,
        LineProblem::WrongLabel {
            expected: "positive"
        }
    );
}

#[test]
fn malformed_line_rejected() {
    let (positive, negative) = (books_positive(), books_negative());
    let cases: [(&[u8], IsProblem); 3] = [
        (b"no_count #label#:negative", |p| {
            matches!(p, LineProblem::Parse(_))
        }),
        (b"", |p| matches!(p, LineProblem::Parse(_))),
        (b"caf\xe9:1 #label#:negative", |p| {
            matches!(p, LineProblem::InvalidUtf8)
        }),
    ];
    for (replacement, is_expected_problem) in cases {
        let broken = replace_line(&negative, 1000, replacement);
        let routes = vec![(ARCHIVE_PATH, Reply::Body(dvd_archive(&positive, &broken)))];

        let error = failed_download("dvd", routes);

        let DownloadError::InvalidLine {
            member,
            line,
            problem,
            ..
        } = &error
        else {
            panic!("expected an invalid line error, got {error:?}");
        };
        assert_eq!(member, "processed_acl/dvd/negative.review");
        assert_eq!(*line, 1000);
        assert!(is_expected_problem(problem), "{problem:?}");
    }
}

#[test]
fn missing_member_rejected() {
    let positive = books_positive();
    let without_negative = gzip(&tar_archive(&[Member::File(
        "processed_acl/dvd/positive.review",
        &positive,
    )]));
    let symlink_negative = gzip(&tar_archive(&[
        Member::File("processed_acl/dvd/positive.review", &positive),
        Member::Symlink("processed_acl/dvd/negative.review", "positive.review"),
    ]));
    for archive in [without_negative, symlink_negative] {
        let error = failed_download("dvd", vec![(ARCHIVE_PATH, Reply::Body(archive))]);

        let DownloadError::MissingMember { member, .. } = &error else {
            panic!("expected a missing member error, got {error:?}");
        };
        assert_eq!(member, "processed_acl/dvd/negative.review");
    }
}

#[test]
fn http_404_names_url_and_status() {
    let server_routes = vec![(NEGATIVE_PATH, Reply::Body(books_negative()))];

    let error = failed_download("books", server_routes);

    let DownloadError::Status { url, status } = &error else {
        panic!("expected a status error, got {error:?}");
    };
    assert!(url.ends_with(POSITIVE_PATH), "{url}");
    assert_eq!(*status, 404);
    let message = error.to_string();
    assert!(message.contains(url.as_str()), "{message}");
    assert!(message.contains("HTTP status 404"), "{message}");
    assert!(message.contains("Retry"), "{message}");
}

#[test]
fn body_cut_short_rejected() {
    let routes = vec![
        (POSITIVE_PATH, Reply::Body(books_positive())),
        (NEGATIVE_PATH, Reply::CutShort(books_negative())),
    ];

    let error = failed_download("books", routes);

    let DownloadError::Transfer { url, .. } = &error else {
        panic!("expected a transfer error, got {error:?}");
    };
    assert!(url.ends_with(NEGATIVE_PATH), "{url}");
}

#[test]
fn stalled_server_times_out() {
    let server = Server::start(vec![(POSITIVE_PATH, Reply::Stall)]);
    let cache = tempfile::tempdir().unwrap();
    let options = DownloadOptions {
        timeout: Duration::from_millis(300),
        ..options(cache.path(), &server)
    };

    let started = Instant::now();
    let error = ensure_domain("books", &options).expect_err("the download must time out");

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, DownloadError::Request { .. }), "{error:?}");
    assert_eq!(files_under(cache.path()), Vec::<PathBuf>::new());
}

#[test]
fn unknown_domain_rejected() {
    let server = Server::start(Vec::new());
    let cache = tempfile::tempdir().unwrap();

    let error =
        ensure_domain("music", &options(cache.path(), &server)).expect_err("music is not a domain");

    assert!(
        matches!(error, DownloadError::UnknownDomain { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("\"music\""), "{message}");
    for domain in DOMAINS {
        assert!(message.contains(domain), "{message}");
    }
    assert_eq!(server.total_requests(), 0);
    assert!(!cache.path().join("music").exists());
}
