//! Writes arbitrary bytes as a `positive.review` and `negative.review` pair
//! and reads them with `Corpus::load`, which must return `Ok` or `Err` and
//! never panic.
//!
//! Input layout: the first byte selects the load options, and the rest is
//! split at its first 0xFF byte into the positive file and the negative
//! file. 0xFF never occurs in UTF-8, so the split costs no valid text, and
//! invalid UTF-8 is still reachable through every other non-ASCII byte.
//! Without a 0xFF byte both files get the same bytes.
//!
//! The files go to a new directory under `/dev/shm` when it exists,
//! because creating and removing them on a disk-backed `/tmp` can cost more
//! than the load itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_runtime::corpus::{Corpus, CorpusOptions, FeatureOrder};

const SEPARATOR: u8 = 0xFF;

/// A memory-backed directory for the review files, used when it exists.
const SHARED_MEMORY_DIR: &str = "/dev/shm";

/// Train and devel fractions the options byte chooses from, valid and
/// invalid.
const SPLITS: [(f64, f64); 4] = [(0.8, 0.0), (0.5, 0.25), (1.0, 0.0), (0.7, 0.4)];

fn options(selector: u8) -> CorpusOptions {
    let (train_fraction, devel_fraction) = SPLITS[usize::from(selector >> 3) % SPLITS.len()];
    CorpusOptions {
        min_count: u64::from(selector & 0b11),
        feature_order: match selector & 0b100 {
            0 => FeatureOrder::Lab,
            _ => FeatureOrder::FirstSeen,
        },
        train_fraction,
        devel_fraction,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, files)) = data.split_first() else {
        return;
    };
    let (positive, negative) = match files.iter().position(|&byte| byte == SEPARATOR) {
        Some(at) => (&files[..at], &files[at + 1..]),
        None => (files, files),
    };
    let parent = match std::path::Path::new(SHARED_MEMORY_DIR).is_dir() {
        true => std::path::PathBuf::from(SHARED_MEMORY_DIR),
        false => std::env::temp_dir(),
    };
    let dir = tempfile::Builder::new()
        .prefix("mlp-fuzz-")
        .tempdir_in(parent)
        .expect("failed to create a temporary directory");
    std::fs::write(dir.path().join("positive.review"), positive)
        .expect("failed to write positive.review");
    std::fs::write(dir.path().join("negative.review"), negative)
        .expect("failed to write negative.review");

    let Ok(corpus) = Corpus::load(dir.path(), &options(selector)) else {
        return;
    };
    assert_eq!(corpus.len(), corpus.n_positive() + corpus.n_negative());
    assert_eq!(corpus.x().rows(), corpus.len());
    assert_eq!(corpus.x().cols(), corpus.n_features());
    let split = corpus.split_sizes();
    assert_eq!(split.train + split.devel + split.test, corpus.len());
    assert_eq!(corpus.train::<f32>().len(), split.train);
    assert_eq!(corpus.devel::<f64>().len(), split.devel);
    assert_eq!(corpus.test::<f64>().len(), split.test);
});
