//! Checks of the reader on the real books corpus against the figures of the
//! lab's own run.
//!
//! These tests need `MLP_DATA_DIR` set to the directory that contains
//! `books/positive.review` and `books/negative.review`, and fail when it is
//! not set.

use std::sync::OnceLock;

use mlp_runtime::Matrix;
use mlp_runtime::corpus::{
    Corpus, CorpusOptions, DATA_DIR_VAR, FeatureOrder, NEGATIVE, POSITIVE, SplitSizes, parse_line,
};
use sha2::{Digest, Sha256};

/// sha256 of the lab's feature names for books, one per line, each line
/// ending in '\n'.
const LAB_ORDER_SHA256: &str = "5da3ede9106a30962b30c37ccbabb2a44b03428d97a4555b60e1309115d7646c";

fn load_books(order: FeatureOrder) -> Corpus {
    let data_dir = std::env::var_os(DATA_DIR_VAR).filter(|dir| !dir.is_empty());
    assert!(
        data_dir.is_some(),
        "{DATA_DIR_VAR} is not set; set it to the directory that contains \
         books/positive.review to run the books tests"
    );
    let options = CorpusOptions {
        feature_order: order,
        ..CorpusOptions::default()
    };
    Corpus::load_domain("books", &options).unwrap_or_else(|error| panic!("{error}"))
}

fn lab_books() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| load_books(FeatureOrder::Lab))
}

fn first_seen_books() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| load_books(FeatureOrder::FirstSeen))
}

fn sparse(matrix: &Matrix<f64>) -> &mlp_runtime::Csr<f64> {
    match matrix {
        Matrix::Sparse(x) => x,
        Matrix::Dense(_) => panic!("corpus datasets are sparse"),
    }
}

fn sum(values: &[f64]) -> f64 {
    values.iter().sum()
}

#[test]
fn books_sizes() {
    let corpus = lab_books();
    assert_eq!(corpus.len(), 2000);
    assert!(!corpus.is_empty());
    assert_eq!(corpus.n_positive(), 1000);
    assert_eq!(corpus.n_negative(), 1000);
    assert_eq!(corpus.n_features(), 13_989);
    assert_eq!(corpus.features().distinct_names(), 195_887);
    assert_eq!(corpus.x().shape(), (2000, 13_989));
    assert!(corpus.path().ends_with("books"));
}

#[test]
fn books_split() {
    let corpus = lab_books();
    let expected = SplitSizes {
        train: 1600,
        devel: 0,
        test: 400,
    };
    assert_eq!(corpus.split_sizes(), expected);

    let train = corpus.train::<f64>();
    let devel = corpus.devel::<f64>();
    let test = corpus.test::<f64>();
    assert_eq!(train.len(), 1600);
    assert_eq!(devel.len(), 0);
    assert_eq!(test.len(), 400);
    assert_eq!(train.width(), 13_989);
    assert_eq!(test.width(), 13_989);
    assert_eq!(train.y, corpus.y()[..1600]);
    assert_eq!(test.y, corpus.y()[1600..]);
    assert_eq!(sparse(&test.x).row(0), corpus.x().row(1600));
}

#[test]
fn books_labels_interleave() {
    let corpus = lab_books();
    assert_eq!(corpus.y()[..6], [0, 1, 0, 1, 0, 1]);
    for (document, &label) in corpus.y().iter().enumerate() {
        let expected = if document % 2 == 0 {
            POSITIVE
        } else {
            NEGATIVE
        };
        assert_eq!(label, expected, "label of document {document}");
    }
}

#[test]
fn books_matrix_totals() {
    let corpus = lab_books();
    let train = corpus.train::<f64>();
    let test = corpus.test::<f64>();
    assert_eq!(corpus.x().nnz(), 253_549);
    assert_eq!(sum(corpus.x().values()), 318_224.0);
    assert_eq!(sum(sparse(&train.x).values()), 258_218.0);
    assert_eq!(sum(sparse(&test.x).values()), 318_224.0 - 258_218.0);
}

#[test]
fn books_f32_datasets_match() {
    let corpus = lab_books();
    let train32 = corpus.train::<f32>();
    let train64 = corpus.train::<f64>();
    let Matrix::Sparse(x32) = &train32.x else {
        panic!("corpus datasets are sparse");
    };
    let x64 = sparse(&train64.x);
    assert_eq!(x32.indptr(), x64.indptr());
    assert_eq!(x32.indices(), x64.indices());
    let widened: Vec<f64> = x32.values().iter().map(|&v| f64::from(v)).collect();
    assert_eq!(widened, x64.values());
    assert_eq!(train32.y, train64.y);
}

#[test]
fn books_lab_order_digest() {
    let names = lab_books().features().names();
    let mut hasher = Sha256::new();
    for name in names {
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    assert_eq!(digest, LAB_ORDER_SHA256);
}

#[test]
fn books_lab_first_names() {
    let names = lab_books().features().names();
    let expected = [
        "later_i",
        "woods",
        "bringing",
        "wooden",
        "kids",
        "controversy",
        "dna",
        "to_love",
        "populations",
        "is_given",
    ];
    assert_eq!(names[..10], expected);
}

#[test]
fn books_row0_first_entries() {
    let (columns, values) = lab_books().x().row(0);
    assert_eq!(columns[..8], [59, 111, 125, 258, 302, 361, 514, 737]);
    assert_eq!(values[..8], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 4.0]);
}

/// Totals computed separately with `tr` and `awk` over both files.
#[test]
fn books_known_counts() {
    let corpus = lab_books();
    let features = corpus.features();
    let expected = [
        ("book", 4419),
        ("great", 556),
        ("boring", 106),
        ("the_book", 1053),
        ("<num>", 1156),
        ("holes", 5),
    ];
    let mut column_sums = vec![0.0; corpus.n_features()];
    for (&column, &value) in corpus.x().indices().iter().zip(corpus.x().values()) {
        column_sums[column as usize] += value;
    }
    for (name, count) in expected {
        let column = features.index(name);
        assert!(column.is_some(), "{name:?} is a feature");
        let column = column.unwrap();
        assert_eq!(features.name(column), name);
        assert_eq!(features.count(column), count, "total count of {name:?}");
        assert_eq!(column_sums[column], count as f64, "column sum of {name:?}");
    }
    // "top_secret" occurs twice, below the minimum count of 5.
    assert_eq!(features.index("top_secret"), None);
}

#[test]
fn books_first_seen_order() {
    let corpus = first_seen_books();
    let names = corpus.features().names();
    // The first positive line starts "holes:1 must:1 top_secret:1 he:1".
    assert_eq!(names[..3], ["holes", "must", "he"]);
    assert_eq!(corpus.n_features(), 13_989);
    assert_eq!(corpus.x().nnz(), 253_549);
}

#[test]
fn books_orders_permute_columns() {
    let lab = lab_books();
    let first_seen = first_seen_books();
    assert_eq!(lab.y(), first_seen.y());
    for document in [0, 1, 777, 1999] {
        let named = |corpus: &Corpus| {
            let (columns, values) = corpus.x().row(document);
            let mut entries: Vec<(String, f64)> = columns
                .iter()
                .zip(values)
                .map(|(&column, &value)| {
                    (corpus.features().name(column as usize).to_owned(), value)
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries
        };
        assert_eq!(named(lab), named(first_seen), "document {document}");
    }
}

#[test]
fn books_vectorize_matches_rows() {
    let corpus = lab_books();
    let text = std::fs::read_to_string(corpus.path().join("negative.review")).unwrap();
    let first_negative = text.lines().next().unwrap();
    let review = parse_line(first_negative).unwrap();
    assert_eq!(review.label, NEGATIVE);
    let row: Vec<(u32, f64)> = corpus.features().vectorize(&review);
    let (columns, values) = corpus.x().row(1);
    let expected: Vec<(u32, f64)> = columns
        .iter()
        .copied()
        .zip(values.iter().copied())
        .collect();
    assert_eq!(row, expected);
}
