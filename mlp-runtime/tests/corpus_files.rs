//! Checks of the reader on small corpora written by each test: the accepted
//! variations of the format and every rejected one.

use mlp_runtime::corpus::{CorpusError, DATA_DIR_VAR, locate_domain};

#[test]
fn missing_directory_explains_download() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let error = locate_domain("books", Some(&missing)).unwrap_err();
    let CorpusError::NotFound { searched, .. } = &error else {
        panic!("expected NotFound, got {error:?}");
    };
    let books = missing.join("books");
    assert_eq!(searched, &[missing.clone(), books.clone()]);
    let message = error.to_string();
    assert!(
        message.contains(&missing.display().to_string()),
        "{message}"
    );
    assert!(message.contains(&books.display().to_string()), "{message}");
    assert!(message.contains(DATA_DIR_VAR), "{message}");
    assert!(message.contains("processed_acl"), "{message}");
    assert!(
        message.contains("https://www.cs.jhu.edu/~mdredze/datasets/sentiment/"),
        "{message}"
    );
}

#[test]
fn locate_explicit_directory() {
    let root = tempfile::tempdir().unwrap();
    let books = root.path().join("books");
    std::fs::create_dir(&books).unwrap();
    std::fs::write(books.join("positive.review"), "a:1 #label#:positive\n").unwrap();
    assert_eq!(locate_domain("books", Some(root.path())).unwrap(), books);
    assert_eq!(locate_domain("books", Some(&books)).unwrap(), books);
    assert_eq!(locate_domain("dvd", Some(&books)).unwrap(), books);
    assert!(locate_domain("dvd", Some(root.path())).is_err());
}
