//! Saving and loading models: bit-exact round trips, and errors instead of
//! panics for files that do not fit.

use mlp::model::{self, ModelError};
use mlp::{Activation, Mlp, Network};

fn small_net<F: mlp::Float>(seed: u32) -> Mlp<F> {
    Mlp::new(&[6, 4, 3], &[Activation::Tanh, Activation::Softmax], seed).unwrap()
}

fn feature_names() -> Vec<String> {
    ["good", "bad", "a:b", "clich\u{FFFD}d", "<num>_", "won't"]
        .map(String::from)
        .to_vec()
}

fn saved_file(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("model.safetensors");
    let mut net = small_net::<f64>(3);
    net.parameter_mut("b1").unwrap().fill(0.25);
    model::save(&path, &net, Some(&feature_names())).unwrap();
    path
}

#[test]
fn round_trip_is_bit_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    let net = small_net::<f64>(3);
    model::save(&path, &net, Some(&feature_names())).unwrap();

    let saved = model::load(&path).unwrap();
    assert_eq!(saved.float_type(), "f64");
    assert_eq!(saved.architecture(), &net.architecture());
    assert_eq!(saved.features(), Some(feature_names().as_slice()));
    assert_eq!(saved.to_mlp::<f64>().unwrap(), net);

    let mut other = small_net::<f64>(99);
    saved.load_into(&mut other).unwrap();
    assert_eq!(other, net);
}

#[test]
fn f32_round_trip_is_bit_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    let net = small_net::<f32>(5);
    model::save(&path, &net, None).unwrap();
    let saved = model::load(&path).unwrap();
    assert_eq!(saved.float_type(), "f32");
    assert_eq!(saved.features(), None);
    assert_eq!(saved.to_mlp::<f32>().unwrap(), net);
}

#[test]
fn other_float_type_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let saved = model::load(saved_file(&dir)).unwrap();
    let error = saved.to_mlp::<f32>().unwrap_err();
    assert!(matches!(error, ModelError::FloatType { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("f64") && message.contains("f32"),
        "{message}"
    );
}

#[test]
fn other_geometry_names_both_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let saved = model::load(saved_file(&dir)).unwrap();
    let mut wider =
        Mlp::<f64>::new(&[6, 5, 3], &[Activation::Tanh, Activation::Softmax], 1).unwrap();
    let before = wider.clone();
    let error = saved.load_into(&mut wider).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, ModelError::Architecture { .. }),
        "{message}"
    );
    assert!(message.contains("[6, 4, 3]"), "{message}");
    assert!(message.contains("[6, 5, 3]"), "{message}");
    assert_eq!(wider, before);
}

#[test]
fn truncated_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_file(&dir);
    let bytes = std::fs::read(&path).unwrap();
    let cut_path = dir.path().join("cut.safetensors");
    for cut in [
        0,
        1,
        7,
        8,
        9,
        40,
        bytes.len() / 2,
        bytes.len() - 8,
        bytes.len() - 1,
    ] {
        std::fs::write(&cut_path, &bytes[..cut]).unwrap();
        let error = model::load(&cut_path).unwrap_err();
        assert!(
            matches!(error, ModelError::Invalid { .. }),
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().contains("cut.safetensors"), "{error}");
    }
}

#[test]
fn flipped_bytes_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_file(&dir);
    let bytes = std::fs::read(&path).unwrap();
    let flipped_path = dir.path().join("flipped.safetensors");
    // The last byte is in the data; position 8 is the header's first byte;
    // the others fall inside the JSON header.
    for position in [bytes.len() - 1, bytes.len() - 30, 8, 20, 100] {
        let mut flipped = bytes.clone();
        flipped[position] ^= 0x10;
        std::fs::write(&flipped_path, &flipped).unwrap();
        let outcome = model::load(&flipped_path);
        assert!(outcome.is_err(), "a flip at byte {position} went unnoticed");
    }
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    std::fs::write(&flipped_path, &flipped).unwrap();
    assert!(matches!(
        model::load(&flipped_path),
        Err(ModelError::Checksum { .. })
    ));
}

#[test]
fn every_flipped_byte_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_file(&dir);
    let bytes = std::fs::read(&path).unwrap();
    let flipped_path = dir.path().join("flipped.safetensors");
    for position in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[position] ^= 0x04;
        std::fs::write(&flipped_path, &flipped).unwrap();
        assert!(
            model::load(&flipped_path).is_err(),
            "a flip at byte {position} of {} went unnoticed",
            bytes.len()
        );
    }
}

#[test]
fn saving_twice_gives_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let net = small_net::<f64>(3);
    let first = dir.path().join("first.safetensors");
    let second = dir.path().join("second.safetensors");
    model::save(&first, &net, Some(&feature_names())).unwrap();
    model::save(&second, &net, Some(&feature_names())).unwrap();
    assert_eq!(
        std::fs::read(first).unwrap(),
        std::fs::read(second).unwrap()
    );
}

#[test]
fn missing_file_names_path() {
    let error = model::load("no/such/model.safetensors").unwrap_err();
    assert!(matches!(error, ModelError::Io { .. }));
    assert!(error.to_string().contains("no/such/model.safetensors"));
}

#[test]
fn failed_save_keeps_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = saved_file(&dir);
    let before = std::fs::read(&path).unwrap();

    let mut broken = small_net::<f64>(3);
    broken.parameter_mut("W2").unwrap()[[0, 0]] = f64::NAN;
    let error = model::save(&path, &broken, None).unwrap_err();
    assert!(matches!(error, ModelError::NonFinite { ref name } if name == "W2"));
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "no temporary file is left behind");
}

#[test]
fn save_into_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("model.safetensors");
    let error = model::save(&path, &small_net::<f64>(1), None).unwrap_err();
    assert!(matches!(error, ModelError::Io { .. }), "{error}");
    assert!(!path.exists());
}

mlp::network! {
    /// The small network of these tests, compiled.
    #[derive(Debug, PartialEq)]
    struct Small {
        input: 6,
        hidden: tanh(4),
        output: softmax(3),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// A wider hidden layer than [`Small`].
    struct Wider {
        input: 6,
        hidden: tanh(5),
        output: softmax(3),
        cost: cross_entropy,
    }
}

#[test]
fn compiled_round_trip_is_bit_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("compiled.safetensors");
    let net = Small::<f32>::new(3);
    model::save(&path, &net, Some(&feature_names())).unwrap();

    let saved = model::load(&path).unwrap();
    let mut loaded = Small::<f32>::new(4);
    saved.load_into(&mut loaded).unwrap();
    assert_eq!(loaded, net);
    // The runtime MLP reads the same file into the same weights.
    assert_eq!(saved.to_mlp::<f32>().unwrap(), small_net::<f32>(3));
}

#[test]
fn compiled_mismatch_names_both_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let saved = model::load(saved_file(&dir)).unwrap();

    let mut wider = Wider::<f64>::new(1);
    let error = saved.load_into(&mut wider).unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, ModelError::Architecture { .. }),
        "{message}"
    );
    assert!(message.contains("[6, 4, 3]"), "{message}");
    assert!(message.contains("[6, 5, 3]"), "{message}");

    let mut narrow = Small::<f32>::new(1);
    let before = Small::<f32>::new(1);
    let error = saved.load_into(&mut narrow).unwrap_err();
    assert!(matches!(error, ModelError::FloatType { .. }), "{error}");
    assert_eq!(narrow, before);
}
