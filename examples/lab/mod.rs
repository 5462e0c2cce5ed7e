//! The exercises of the LxMLS 2015 "Day 6: Deep Learning" lab, shared by the
//! `day6` example (all of them) and the `ex6_*` examples (one each).
//!
//! Every exercise runs on the books corpus in `f64`, with the lab's feature
//! order and the lab's seed, so that it prints the lab's digits.

#![allow(dead_code)]

use std::error::Error;
use std::process::ExitCode;

use mlp::corpus::{Corpus, CorpusOptions};
use mlp::metrics::evaluate;
use mlp::progress::ProgressObserver;
use mlp::{Activation, Dataset, Mlp, Network, Sgd};

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

/// The lab's data: the books corpus split into train and test.
pub struct Lab {
    pub corpus: Corpus,
    pub train: Dataset<f64>,
    pub test: Dataset<f64>,
}

/// Runs `body` on the books corpus and turns an error into a message and a
/// failing exit code.
pub fn run(body: impl FnOnce(&Lab) -> Result<(), Box<dyn Error>>) -> ExitCode {
    let outcome = Corpus::load_domain("books", &CorpusOptions::default())
        .map_err(Box::<dyn Error>::from)
        .and_then(|corpus| {
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

/// Exercise 6.2: backpropagation in the runtime MLP; trains the lab's
/// network 2 epochs at batch size 5, then 6 more at batch size 128.
pub fn exercise_6_2(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.2");
    let mut net = lab_network(lab)?;
    let geometry = net.geometry();
    let label = format!("MLP ({geometry:?}) Amazon Sentiment");

    Sgd::new(2, 5, LEARNING_RATE)?.train(
        &mut net,
        &lab.train,
        None,
        &mut ProgressObserver::new(),
    )?;
    print_accuracy(&label, &net, lab)?;

    Sgd::new(6, 128, LEARNING_RATE)?.train(
        &mut net,
        &lab.train,
        None,
        &mut ProgressObserver::new(),
    )?;
    print_accuracy(&label, &net, lab)?;
    Ok(())
}
