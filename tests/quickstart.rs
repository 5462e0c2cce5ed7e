//! The quick start shown by the crate documentation and the README, run on
//! the books corpus of `MLP_DATA_DIR`, so that the code users copy keeps
//! compiling and working.

// Brings in the example's imports, its network and its `main`.
include!("../examples/quickstart.rs");

#[test]
fn quickstart_trains_on_books() {
    // The example downloads a missing corpus, and tests must not go online,
    // so the corpus is checked first.
    let data_dir = std::env::var_os("MLP_DATA_DIR")
        .expect("MLP_DATA_DIR is not set. Set it to the directory that contains books/");
    let positive = std::path::Path::new(&data_dir).join("books/positive.review");
    assert!(
        positive.is_file(),
        "{} not found; MLP_DATA_DIR must contain books/",
        positive.display()
    );

    if let Err(error) = main() {
        panic!("the quick start failed: {error}");
    }
}

#[test]
fn readme_shows_quickstart() {
    let readme = include_str!("../README.md");
    let example = include_str!("../examples/quickstart.rs");
    assert!(
        readme.contains(example),
        "README.md must show examples/quickstart.rs verbatim; copy the file into it"
    );
}
