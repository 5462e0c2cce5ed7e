//! Trains the lab's `[n_features, 20, 2]` network on the books reviews for
//! a few epochs and prints the seconds of each: a small program to profile
//! (callgrind) and to measure peak memory (`/usr/bin/time -v`) with.
//!
//! ```text
//! cargo run --release --example train_books -- VARIANT INPUT TYPE BATCH EPOCHS [THREADS]
//! ```
//!
//! VARIANT is `runtime` (the runtime MLP), `unfused` (compiled gradients,
//! update outside), `fused` (the compiled `train_step`) or `forward` (the
//! compiled forward pass alone, timed per epoch of batches); INPUT is
//! `dense` or `sparse`; TYPE is `f32` or `f64`. THREADS sets the kernels'
//! thread count (default: the kernels' default). The corpus is read from
//! `$MLP_DATA_DIR/books`.

use std::error::Error;
use std::process::ExitCode;
use std::time::Instant;

use mlp::corpus::{Corpus, CorpusOptions};
use mlp::train::Unfused;
use mlp::{Activation, Dataset, Float, Mlp, Network};

mlp::network! {
    /// The lab's network: a sigmoid hidden layer of 20 units and a softmax
    /// output of 2 classes.
    pub struct Sentiment {
        input: dynamic,
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

const SEED: u32 = 1234;
const LEARNING_RATE: f64 = 0.05;
const USAGE: &str =
    "usage: train_books runtime|unfused|fused dense|sparse f32|f64 BATCH EPOCHS [THREADS]";

struct Settings {
    variant: String,
    dense: bool,
    batch_size: usize,
    epochs: usize,
}

fn parse_number(text: Option<&String>, what: &str) -> Result<usize, Box<dyn Error>> {
    let text = text.ok_or_else(|| format!("missing {what}; {USAGE}"))?;
    let number: usize = text
        .parse()
        .map_err(|_| format!("invalid {what} {text:?}: expected a positive integer"))?;
    if number == 0 {
        return Err(format!("invalid {what} 0: expected a positive integer").into());
    }
    Ok(number)
}

#[inline(never)]
fn run_epochs<F: Float, N: Network<F>>(
    net: &mut N,
    data: &Dataset<F>,
    settings: &Settings,
) -> Result<(), Box<dyn Error>> {
    let learning_rate = F::from_f64(LEARNING_RATE);
    for epoch in 1..=settings.epochs {
        let start = Instant::now();
        let mut total_cost = 0.0;
        for batch in data.minibatches(settings.batch_size) {
            total_cost += net.train_step(batch.x, batch.y, learning_rate)?.as_f64();
        }
        let seconds = start.elapsed().as_secs_f64();
        println!("epoch {epoch}: {seconds:.6} s, summed batch cost {total_cost:.6}");
    }
    Ok(())
}

fn train<F: Float>(corpus: &Corpus, settings: &Settings) -> Result<(), Box<dyn Error>> {
    let data = corpus.train::<F>();
    let data = if settings.dense {
        data.to_dense()
    } else {
        data
    };
    let inputs = corpus.n_features();
    match settings.variant.as_str() {
        "runtime" => {
            let activations = [Activation::Sigmoid, Activation::Softmax];
            let mut net = Mlp::<F>::new(&[inputs, 20, 2], &activations, SEED)?;
            run_epochs(&mut net, &data, settings)
        }
        "unfused" => {
            let mut net = Sentiment::<F>::new(inputs, SEED)?;
            run_epochs(&mut Unfused(&mut net), &data, settings)
        }
        "forward" => {
            let net = Sentiment::<F>::new(inputs, SEED)?;
            for _ in 0..settings.epochs {
                let start = Instant::now();
                for batch in data.minibatches(settings.batch_size) {
                    std::hint::black_box(net.forward(batch.x)?);
                }
                println!("forward: {:.6} s", start.elapsed().as_secs_f64());
            }
            Ok(())
        }
        "fused" => {
            let mut net = Sentiment::<F>::new(inputs, SEED)?;
            run_epochs(&mut net, &data, settings)
        }
        other => Err(format!("invalid variant {other:?}; {USAGE}").into()),
    }
}

fn main_result() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 || args.len() > 6 {
        return Err(USAGE.into());
    }
    let dense = match args[1].as_str() {
        "dense" => true,
        "sparse" => false,
        other => return Err(format!("invalid input {other:?}; {USAGE}").into()),
    };
    let settings = Settings {
        variant: args[0].clone(),
        dense,
        batch_size: parse_number(args.get(3), "batch size")?,
        epochs: parse_number(args.get(4), "epoch count")?,
    };
    if args.len() == 6 {
        mlp::kernels::set_threads(parse_number(args.get(5), "thread count")?);
    }
    let corpus = Corpus::load_domain("books", &CorpusOptions::default())?;
    match args[2].as_str() {
        "f32" => train::<f32>(&corpus, &settings),
        "f64" => train::<f64>(&corpus, &settings),
        other => Err(format!("invalid type {other:?}; {USAGE}").into()),
    }
}

fn main() -> ExitCode {
    match main_result() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
