//! The exercises of the LxMLS 2015 "Day 6: Deep Learning" lab, shared by the
//! `day6` example (all of them) and the `ex6_*` examples (one each).
//!
//! Every exercise runs on the books corpus in `f64`, with the lab's feature
//! order and the lab's seed, so that it prints the lab's digits. The
//! corpus is read from `$MLP_DATA_DIR/books`, or from the platform cache
//! folder when that variable is unset, and downloaded there when missing.

#![allow(dead_code)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mlp::corpus::{Corpus, CorpusOptions};
use mlp::download::{DownloadOptions, ensure_domain};
use mlp::metrics::evaluate;
use mlp::plot::{LearningCurves, save_parameter_plots};
use mlp::progress::ProgressObserver;
use mlp::{Activation, Dataset, EpochRecord, Mlp, Network, Sgd};

mod compiled;

#[allow(
    unused_imports,
    reason = "each example calls only some of the exercises"
)]
pub use compiled::{exercise_6_3, exercise_6_4, exercise_6_5, exercise_6_6, exercise_6_7};

/// The seed of NumPy's `RandomState` in the lab.
pub const SEED: u32 = 1234;

/// The learning rate behind the lab's printed accuracies.
pub const LEARNING_RATE: f64 = 0.05;

/// Environment variable naming the directory the plots are written to,
/// instead of `target/day6` in the repository.
pub const PLOT_DIR_VAR: &str = "MLP_PLOT_DIR";

/// The lab's data: the books corpus split into train and test.
pub struct Lab {
    pub corpus: Corpus,
    pub train: Dataset<f64>,
    pub test: Dataset<f64>,
}

/// Runs `body` on the books corpus, downloading it first when it is
/// missing, and turns an error into a message and a failing exit code.
pub fn run(body: impl FnOnce(&Lab) -> Result<(), Box<dyn Error>>) -> ExitCode {
    let outcome = load_books().and_then(|corpus| {
        let lab = Lab {
            train: corpus.train(),
            test: corpus.test(),
            corpus,
        };
        body(&lab)
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the books corpus with the lab's settings from the download cache,
/// which is `$MLP_DATA_DIR` when that variable is set.
fn load_books() -> Result<Corpus, Box<dyn Error>> {
    let dir = ensure_domain("books", &DownloadOptions::default())?;
    Ok(Corpus::load(dir, &CorpusOptions::default())?)
}

/// Creates the directory for the plots, `$MLP_PLOT_DIR` or else
/// `target/day6` in the repository, and returns its path.
fn plot_dir() -> Result<PathBuf, Box<dyn Error>> {
    let dir = match std::env::var_os(PLOT_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/day6"),
    };
    std::fs::create_dir_all(&dir).map_err(|error| {
        format!(
            "failed to create the plot directory {}: {error}",
            dir.display()
        )
    })?;
    Ok(dir)
}

/// Returns `path` relative to the current directory when it lies below it,
/// so that the printed paths stay short.
fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|current| path.strip_prefix(current).ok().map(Path::to_path_buf));
    relative
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

/// Returns the lab's `[n_features, 20, 2]` sigmoid/softmax network.
pub fn lab_network(lab: &Lab) -> mlp::Result<Mlp<f64>> {
    Mlp::new(
        &[lab.corpus.n_features(), 20, 2],
        &[Activation::Sigmoid, Activation::Softmax],
        SEED,
    )
}

fn print_accuracy(label: &str, net: &impl Network<f64>, lab: &Lab) -> mlp::Result<()> {
    let train = evaluate(net, &lab.train)?.accuracy;
    let test = evaluate(net, &lab.test)?.accuracy;
    println!("{label} Accuracy train: {train:.6} test: {test:.6}");
    Ok(())
}

/// Exercise 6.1: the corpus, and a single softmax layer (a log-linear
/// model) before training.
pub fn exercise_6_1(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("## Exercise 6.1");
    println!("{} documents", lab.corpus.len());
    println!("{} train documents", lab.train.len());
    println!("{} test documents", lab.test.len());
    println!("{} features", lab.corpus.n_features());

    let log_linear = Mlp::<f64>::new(&[lab.corpus.n_features(), 2], &[Activation::Softmax], SEED)?;
    print_accuracy("Untrained Log-linear", &log_linear, lab)?;
    Ok(())
}

/// Exercise 6.2: backpropagation in the runtime MLP. Trains the lab's
/// network 2 epochs at batch size 5, then 6 more at batch size 128, and
/// plots the learning curves and the trained parameters.
pub fn exercise_6_2(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.2");
    let mut net = lab_network(lab)?;
    let geometry = net.geometry();
    let label = format!("MLP ({geometry:?}) Amazon Sentiment");

    let mut records = Sgd::new(2, 5, LEARNING_RATE)?.evaluate_train(true).train(
        &mut net,
        &lab.train,
        None,
        &mut ProgressObserver::new(),
    )?;
    print_accuracy(&label, &net, lab)?;

    let more = Sgd::new(6, 128, LEARNING_RATE)?
        .evaluate_train(true)
        .train(&mut net, &lab.train, None, &mut ProgressObserver::new())?;
    print_accuracy(&label, &net, lab)?;

    // Each call numbers its epochs from 1. The curves number the second
    // call's epochs on from the first call's, so that both make one line.
    let offset = records.len();
    records.extend(more.into_iter().map(|record| EpochRecord {
        epoch: record.epoch + offset,
        ..record
    }));
    plot_training(&records, &net, &geometry)
}

/// Writes the learning curves of exercise 6.2 and the plots of the trained
/// network's parameters, and prints where they went.
fn plot_training(
    records: &[EpochRecord],
    net: &Mlp<f64>,
    geometry: &[usize],
) -> Result<(), Box<dyn Error>> {
    let dir = plot_dir()?;
    let curves = dir.join("exercise-6.2-learning-curves.svg");
    let title = format!(
        "Exercise 6.2: MLP {geometry:?} on books, batch size 5 in epochs 1-2, 128 in 3-{}",
        records.len()
    );
    LearningCurves::new(records).title(title).save(&curves)?;
    println!("Learning curves: {}", display_path(&curves));

    let parameter_dir = dir.join("exercise-6.2-parameters");
    let written = save_parameter_plots(&parameter_dir, net)?;
    let files: Vec<String> = written
        .iter()
        .filter_map(|path| path.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    println!(
        "Parameter plots in {}: {}",
        display_path(&parameter_dir),
        files.join(", ")
    );
    Ok(())
}
