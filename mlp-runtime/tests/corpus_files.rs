//! Checks of the reader on small corpora written by each test: the accepted
//! variations of the format and every rejected one.

use std::path::{Path, PathBuf};

use mlp_runtime::corpus::{
    Corpus, CorpusError, CorpusOptions, DATA_DIR_VAR, FeatureOrder, LineError, NEGATIVE, POSITIVE,
    SplitSizes, locate_domain,
};
use mlp_runtime::{Activation, Inputs, Mlp, Network};
use ndarray::Array2;
use tempfile::TempDir;

/// A check that a line error is of one variant.
type IsVariant = fn(&LineError) -> bool;

const NEGATIVE_LINE: &[u8] = b"bad:1 #label#:negative\n";

/// Keeps every feature, so that tiny corpora have columns.
fn keep_all() -> CorpusOptions {
    CorpusOptions {
        min_count: 0,
        ..CorpusOptions::default()
    }
}

fn write_corpus(positive: &[u8], negative: &[u8]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("positive.review"), positive).unwrap();
    std::fs::write(dir.path().join("negative.review"), negative).unwrap();
    dir
}

fn load(positive: &[u8], negative: &[u8]) -> Result<Corpus, CorpusError> {
    let dir = write_corpus(positive, negative);
    Corpus::load(dir.path(), &keep_all())
}

fn load_error(positive: &[u8], negative: &[u8]) -> (CorpusError, TempDir) {
    let dir = write_corpus(positive, negative);
    let error = Corpus::load(dir.path(), &keep_all()).expect_err("the corpus is invalid");
    (error, dir)
}

/// Returns the features of document `document` as `(name, value)` pairs.
fn row_entries(corpus: &Corpus, document: usize) -> Vec<(String, f64)> {
    let (columns, values) = corpus.x().row(document);
    columns
        .iter()
        .zip(values)
        .map(|(&column, &value)| (corpus.features().name(column as usize).to_owned(), value))
        .collect()
}

fn sorted(mut entries: Vec<(String, f64)>) -> Vec<(String, f64)> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

fn owned(entries: &[(&str, f64)]) -> Vec<(String, f64)> {
    sorted(
        entries
            .iter()
            .map(|&(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

/// Asserts that a message names the file, the line and the quoted token.
fn assert_names_line(error: &CorpusError, file: &Path, line: usize, token: &str) {
    let message = error.to_string();
    let file = file.display().to_string();
    assert!(message.contains(&file), "{message:?} names {file}");
    assert!(
        message.contains(&format!("line {line}:")),
        "{message:?} names line {line}"
    );
    assert!(
        message.contains(&format!("{token:?}")),
        "{message:?} quotes {token:?}"
    );
}

#[test]
fn feature_name_with_colons() {
    let corpus = load(b"a:b:3 #label#:positive\n", NEGATIVE_LINE).unwrap();
    let column = corpus.features().index("a:b");
    assert!(column.is_some(), "a:b is a feature");
    assert_eq!(corpus.features().count(column.unwrap()), 3);
    assert_eq!(row_entries(&corpus, 0), owned(&[("a:b", 3.0)]));
}

#[test]
fn invalid_feature_tokens() {
    let cases: [(&str, IsVariant); 6] = [
        ("great", |e| matches!(e, LineError::MissingColon { .. })),
        ("great:", |e| matches!(e, LineError::EmptyCount { .. })),
        ("x:1.5", |e| matches!(e, LineError::InvalidCount { .. })),
        (":2", |e| matches!(e, LineError::EmptyName { .. })),
        ("good:-1", |e| matches!(e, LineError::InvalidCount { .. })),
        ("x:99999999999999999999", |e| {
            matches!(e, LineError::CountOverflow { .. })
        }),
    ];
    for (token, is_expected_variant) in cases {
        // The token first on line 1, and after a valid token on line 2.
        let files = [
            (format!("{token} #label#:positive\n"), 1),
            (
                format!("fine:1 #label#:positive\nfine:1 {token} #label#:positive\n"),
                2,
            ),
        ];
        for (positive, expected_line) in files {
            let (error, dir) = load_error(positive.as_bytes(), NEGATIVE_LINE);
            let file = dir.path().join("positive.review");
            match &error {
                CorpusError::Line { path, line, source } => {
                    assert!(is_expected_variant(source), "{token:?} gave {source:?}");
                    assert_eq!(path, &file);
                    assert_eq!(*line, expected_line);
                    assert_eq!(source.token(), Some(token));
                }
                other => panic!("{token:?} gave {other:?}, expected a line error"),
            }
            assert_names_line(&error, &file, expected_line, token);
        }
    }
}

#[test]
fn invalid_labels() {
    let cases = [
        ("good:1 #label#:Positive", "#label#:Positive", false),
        ("good:1 #label#:neutral", "#label#:neutral", false),
        ("good:1 #label#:", "#label#:", false),
        ("good:1 bad:2", "bad:2", true),
    ];
    for (text, token, missing) in cases {
        let positive = format!("{text}\n");
        let (error, dir) = load_error(positive.as_bytes(), NEGATIVE_LINE);
        let file = dir.path().join("positive.review");
        let CorpusError::Line { source, .. } = &error else {
            panic!("{text:?} gave {error:?}, expected a line error");
        };
        if missing {
            assert!(
                matches!(source, LineError::MissingLabel { .. }),
                "{text:?} gave {source:?}"
            );
        } else {
            assert!(
                matches!(source, LineError::UnknownLabel { .. }),
                "{text:?} gave {source:?}"
            );
        }
        assert_names_line(&error, &file, 1, token);
    }
}

#[test]
fn label_mismatch_with_file() {
    let (error, dir) = load_error(
        b"good:1 #label#:positive\nbad:1 #label#:negative\n",
        NEGATIVE_LINE,
    );
    let file = dir.path().join("positive.review");
    assert!(
        matches!(
            &error,
            CorpusError::LabelMismatch {
                line: 2,
                expected: "positive",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.path(), Some(file.as_path()));
    assert_eq!(error.line(), Some(2));
    assert_names_line(&error, &file, 2, "#label#:negative");

    let (error, dir) = load_error(b"good:1 #label#:positive\n", b"x:1 #label#:positive\n");
    let file = dir.path().join("negative.review");
    assert!(matches!(&error, CorpusError::LabelMismatch { line: 1, .. }));
    assert_names_line(&error, &file, 1, "#label#:positive");
}

#[test]
fn repeated_and_trailing_spaces() {
    let positive = b"great:2  movie:1 #label#:positive\ngreat:2 movie:1 #label#:positive \n";
    let corpus = load(positive, NEGATIVE_LINE).unwrap();
    let expected = owned(&[("great", 2.0), ("movie", 1.0)]);
    assert_eq!(sorted(row_entries(&corpus, 0)), expected);
    assert_eq!(sorted(row_entries(&corpus, 2)), expected);
    assert_eq!(corpus.n_features(), 3);
}

#[test]
fn label_only_line_is_zero_row() {
    let corpus = load(b"#label#:positive\n", NEGATIVE_LINE).unwrap();
    assert_eq!(corpus.len(), 2);
    assert_eq!(corpus.y(), [POSITIVE, NEGATIVE]);
    assert_eq!(corpus.x().row(0).0.len(), 0);
    assert_eq!(corpus.x().row(1).0.len(), 1);

    // The forward pass reads the empty row as an all-zero input.
    let net = Mlp::<f64>::new(
        &[corpus.n_features(), 3, 2],
        &[Activation::Sigmoid, Activation::Softmax],
        1,
    )
    .unwrap();
    let probabilities = net.forward(Inputs::Sparse(corpus.x().view())).unwrap();
    assert_eq!(probabilities.dim(), (2, 2));
    let zeros = Array2::<f64>::zeros((1, corpus.n_features()));
    let expected = net.forward(Inputs::Dense(zeros.view())).unwrap();
    assert_eq!(probabilities.row(0), expected.row(0));
    for row in probabilities.rows() {
        assert!(row.iter().all(|p| p.is_finite()), "probabilities {row}");
        assert!((row.sum() - 1.0).abs() < 1e-12, "probabilities {row}");
    }
    let cost = net
        .cost(Inputs::Sparse(corpus.x().view()), corpus.y())
        .unwrap();
    assert!(cost.is_finite(), "cost {cost}");
}

#[test]
fn repeated_feature_counts_add() {
    let corpus = load(b"a:1 b:1 a:2 #label#:positive\n", NEGATIVE_LINE).unwrap();
    assert_eq!(
        sorted(row_entries(&corpus, 0)),
        owned(&[("a", 3.0), ("b", 1.0)])
    );
    assert_eq!(
        corpus
            .features()
            .count(corpus.features().index("a").unwrap()),
        3
    );
}

#[test]
fn zero_count_stores_no_entry() {
    let corpus = load(b"a:0 b:1 #label#:positive\n", NEGATIVE_LINE).unwrap();
    let column = corpus.features().index("a");
    assert!(column.is_some(), "min_count 0 keeps a count-0 feature");
    assert_eq!(corpus.features().count(column.unwrap()), 0);
    assert_eq!(row_entries(&corpus, 0), owned(&[("b", 1.0)]));
}

#[test]
fn control_byte_in_name_kept() {
    let corpus = load(b"a\x1ab:1 #label#:positive\n", NEGATIVE_LINE).unwrap();
    assert!(corpus.features().index("a\u{1a}b").is_some());
    assert_eq!(row_entries(&corpus, 0), owned(&[("a\u{1a}b", 1.0)]));
}

#[test]
fn replacement_character_in_name() {
    let positive = "clich\u{fffd}d_characters:1 #label#:positive\n";
    let corpus = load(positive.as_bytes(), NEGATIVE_LINE).unwrap();
    let entries = row_entries(&corpus, 0);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, "clich\u{fffd}d_characters");
    assert_eq!(entries[0].0.chars().count(), 18);
}

#[test]
fn label_like_names_are_features() {
    let negative = b"#3:1 the_label:2 label:1 #label#:negative\n";
    let corpus = load(b"good:1 #label#:positive\n", negative).unwrap();
    let expected = owned(&[("#3", 1.0), ("the_label", 2.0), ("label", 1.0)]);
    assert_eq!(sorted(row_entries(&corpus, 1)), expected);
}

#[test]
fn odd_names_kept_verbatim() {
    let positive = b"<num>_:2 were__right_:1 _won't__buy:1 #label#:positive\n";
    let corpus = load(positive, NEGATIVE_LINE).unwrap();
    let expected = owned(&[("<num>_", 2.0), ("were__right_", 1.0), ("_won't__buy", 1.0)]);
    assert_eq!(sorted(row_entries(&corpus, 0)), expected);
}

#[test]
fn invalid_utf8_names_line() {
    let positive = b"good:1 #label#:positive\n\ncaf\xe9:1 #label#:positive\n";
    let (error, dir) = load_error(positive, NEGATIVE_LINE);
    let file = dir.path().join("positive.review");
    assert!(
        matches!(
            &error,
            CorpusError::InvalidUtf8 {
                line: 3,
                valid_up_to: 3,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("line 3:"), "{message}");
}

#[test]
fn crlf_and_blank_lines() {
    let positive = b"\r\na:1 #label#:positive\r\n\r\n  \n\tb:2 #label#:positive\r\n";
    let negative = b"c:1 #label#:negative\r\n\r\n";
    let corpus = load(positive, negative).unwrap();
    assert_eq!(corpus.n_positive(), 2);
    assert_eq!(corpus.n_negative(), 1);
    assert_eq!(row_entries(&corpus, 0), owned(&[("a", 1.0)]));
    assert_eq!(row_entries(&corpus, 2), owned(&[("b", 2.0)]));
    assert_eq!(row_entries(&corpus, 1), owned(&[("c", 1.0)]));
}

#[test]
fn blank_lines_keep_line_numbers() {
    let positive = b"a:1 #label#:positive\r\n\r\n\nbroken #label#:positive\n";
    let (error, dir) = load_error(positive, NEGATIVE_LINE);
    assert_names_line(&error, &dir.path().join("positive.review"), 4, "broken");
}

#[test]
fn empty_file() {
    for positive in [&b""[..], b"\n \n\r\n"] {
        let (error, dir) = load_error(positive, NEGATIVE_LINE);
        let file = dir.path().join("positive.review");
        assert!(matches!(&error, CorpusError::Empty { .. }), "{error:?}");
        assert!(error.to_string().contains(&file.display().to_string()));
    }
    let (error, dir) = load_error(b"a:1 #label#:positive\n", b"");
    assert_eq!(
        error.path(),
        Some(dir.path().join("negative.review").as_path())
    );
}

#[test]
fn missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let error = Corpus::load(&missing, &keep_all()).unwrap_err();
    let file = missing.join("positive.review");
    assert!(
        matches!(&error, CorpusError::MissingFile { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&file.display().to_string()));

    std::fs::write(dir.path().join("positive.review"), "a:1 #label#:positive\n").unwrap();
    let error = Corpus::load(dir.path(), &keep_all()).unwrap_err();
    let file = dir.path().join("negative.review");
    assert!(
        matches!(&error, CorpusError::MissingFile { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains(&file.display().to_string()));
}

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

#[test]
fn unequal_files_append_the_rest() {
    let positive = b"p0:1 #label#:positive\np1:1 #label#:positive\np2:1 #label#:positive\n";
    let corpus = load(positive, b"n0:1 #label#:negative\n").unwrap();
    assert_eq!(corpus.y(), [POSITIVE, NEGATIVE, POSITIVE, POSITIVE]);
    let first_names: Vec<String> = (0..4)
        .map(|d| row_entries(&corpus, d)[0].0.clone())
        .collect();
    assert_eq!(first_names, ["p0", "n0", "p1", "p2"]);

    let negative = b"n0:1 #label#:negative\nn1:1 #label#:negative\n";
    let corpus = load(b"p0:1 #label#:positive\n", negative).unwrap();
    assert_eq!(corpus.y(), [POSITIVE, NEGATIVE, NEGATIVE]);
}

#[test]
fn min_count_and_orders() {
    let positive = b"apple:1 banana:2 #label#:positive\n";
    let negative = b"cherry:1 date:1 elderberry:3 apple:1 #label#:negative\n";
    let dir = write_corpus(positive, negative);
    let load_with = |min_count, feature_order| {
        let options = CorpusOptions {
            min_count,
            feature_order,
            ..CorpusOptions::default()
        };
        let corpus = Corpus::load(dir.path(), &options).unwrap();
        corpus.features().names().to_vec()
    };
    // The lab order is that of a CPython 2.7 dict after inserting the five
    // names in first-seen order.
    assert_eq!(
        load_with(1, FeatureOrder::Lab),
        ["date", "cherry", "apple", "elderberry", "banana"]
    );
    assert_eq!(
        load_with(1, FeatureOrder::FirstSeen),
        ["apple", "banana", "cherry", "date", "elderberry"]
    );
    assert_eq!(
        load_with(2, FeatureOrder::Lab),
        ["apple", "elderberry", "banana"]
    );
    assert_eq!(
        load_with(2, FeatureOrder::FirstSeen),
        ["apple", "banana", "elderberry"]
    );
    assert!(load_with(4, FeatureOrder::Lab).is_empty());
}

fn ten_documents() -> TempDir {
    let positive = "a:1 #label#:positive\n".repeat(5);
    let negative = "b:1 #label#:negative\n".repeat(5);
    write_corpus(positive.as_bytes(), negative.as_bytes())
}

#[test]
fn split_with_devel() {
    let dir = ten_documents();
    let options = CorpusOptions {
        train_fraction: 0.6,
        devel_fraction: 0.2,
        ..keep_all()
    };
    let corpus = Corpus::load(dir.path(), &options).unwrap();
    let expected = SplitSizes {
        train: 6,
        devel: 2,
        test: 2,
    };
    assert_eq!(corpus.split_sizes(), expected);
    assert_eq!(corpus.train::<f64>().len(), 6);
    assert_eq!(corpus.devel::<f32>().len(), 2);
    assert_eq!(corpus.devel::<f64>().y, [POSITIVE, NEGATIVE]);
    assert_eq!(corpus.test::<f64>().len(), 2);
}

#[test]
fn split_rounds_and_fills() {
    let dir = ten_documents();
    let sizes = |train_fraction, devel_fraction| {
        let options = CorpusOptions {
            train_fraction,
            devel_fraction,
            ..keep_all()
        };
        Corpus::load(dir.path(), &options).unwrap().split_sizes()
    };
    let as_tuple = |s: SplitSizes| (s.train, s.devel, s.test);
    assert_eq!(as_tuple(sizes(0.25, 0.0)), (3, 0, 7));
    assert_eq!(as_tuple(sizes(0.7, 0.3)), (7, 3, 0));
    assert_eq!(as_tuple(sizes(1.0, 0.0)), (10, 0, 0));
    assert_eq!(as_tuple(sizes(0.0, 0.0)), (0, 0, 10));
    // 0.55 and 0.45 round to 6 and 5 documents, so devel shrinks to 4.
    assert_eq!(as_tuple(sizes(0.55, 0.45)), (6, 4, 0));
}

#[test]
fn invalid_split_fractions() {
    let dir = ten_documents();
    let cases = [
        (-0.1, 0.0),
        (0.8, -0.1),
        (f64::NAN, 0.0),
        (0.5, f64::INFINITY),
        (0.8, 0.3),
        (1.5, 0.0),
    ];
    for (train_fraction, devel_fraction) in cases {
        let options = CorpusOptions {
            train_fraction,
            devel_fraction,
            ..keep_all()
        };
        let error = Corpus::load(dir.path(), &options).unwrap_err();
        assert!(
            matches!(error, CorpusError::InvalidSplit { .. }),
            "({train_fraction}, {devel_fraction}) gave {error:?}"
        );
    }
}

#[test]
fn path_is_the_directory() {
    let dir = ten_documents();
    let corpus = Corpus::load(dir.path(), &keep_all()).unwrap();
    assert_eq!(corpus.path(), dir.path());
    let expected: PathBuf = dir.path().to_path_buf();
    assert!(format!("{corpus:?}").contains(&format!("{expected:?}")));
}
