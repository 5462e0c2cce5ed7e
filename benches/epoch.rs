//! One training epoch of the lab's `[13989, 20, 2]` network on the 1600
//! books training reviews, trained the three ways of exercise 6.7, and
//! prediction throughput.
//!
//! Needs the corpus under `$MLP_DATA_DIR/books`; without it the benchmark
//! stops with a message before running anything. Divan reports the
//! fastest, slowest, median and mean time of an epoch over its samples.
//! Each sample is one epoch of a network that has trained since the
//! benchmark started, after one warm-up epoch that grows its buffers.
//!
//! The epochs run with the kernels' default thread count: every core the
//! process may use, or `$MLP_THREADS`. The `threads` group repeats the
//! fused dense step with 1 and 2 threads.

use std::process::ExitCode;
use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
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

fn main() -> ExitCode {
    if let Err(error) = Corpus::load_domain("books", &CorpusOptions::default()) {
        eprintln!("error: the epoch benchmarks need the books corpus: {error}");
        return ExitCode::FAILURE;
    }
    divan::main();
    ExitCode::SUCCESS
}

const SEED: u32 = 1234;
const LEARNING_RATE: f64 = 0.05;

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        Corpus::load_domain("books", &CorpusOptions::default())
            .unwrap_or_else(|error| panic!("the benchmarks need the books corpus: {error}"))
    })
}

fn train_set<F: Float>(dense: bool) -> Dataset<F> {
    let train = corpus().train::<F>();
    if dense { train.to_dense() } else { train }
}

fn lab_mlp<F: Float>() -> Mlp<F> {
    let geometry = [corpus().n_features(), 20, 2];
    Mlp::new(&geometry, &[Activation::Sigmoid, Activation::Softmax], SEED).unwrap()
}

fn lab_compiled<F: Float>() -> Sentiment<F> {
    Sentiment::new(corpus().n_features(), SEED).unwrap()
}

fn run_epoch<F: Float, N: Network<F>>(net: &mut N, data: &Dataset<F>, batch_size: usize) {
    let learning_rate = F::from_f64(LEARNING_RATE);
    for batch in data.minibatches(batch_size) {
        net.train_step(batch.x, batch.y, learning_rate).unwrap();
    }
}

/// Times epochs of `net`, after one warm-up epoch.
fn bench_epochs<F: Float, N: Network<F>>(
    bencher: Bencher,
    mut net: N,
    dense: bool,
    batch_size: usize,
) {
    let data = train_set::<F>(dense);
    run_epoch(&mut net, &data, batch_size);
    bencher.bench_local(|| run_epoch(&mut net, &data, batch_size));
}

/// The runtime MLP (the NumPy-style baseline): gradients, then the update.
mod runtime_mlp {
    use super::*;

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f32(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f32, _>(bencher, lab_mlp(), false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f64(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f64, _>(bencher, lab_mlp(), false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f32(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f32, _>(bencher, lab_mlp(), true, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f64(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f64, _>(bencher, lab_mlp(), true, batch_size);
    }
}

/// The compiled network's gradients, then the update as a separate call.
mod compiled_unfused {
    use super::*;

    /// Times epochs of `Unfused(net)`, after one warm-up epoch.
    fn bench<F: Float>(bencher: Bencher, dense: bool, batch_size: usize) {
        let data = train_set::<F>(dense);
        let mut net = lab_compiled::<F>();
        run_epoch(&mut Unfused(&mut net), &data, batch_size);
        bencher.bench_local(|| run_epoch(&mut Unfused(&mut net), &data, batch_size));
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f32(bencher: Bencher, batch_size: usize) {
        bench::<f32>(bencher, false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f64(bencher: Bencher, batch_size: usize) {
        bench::<f64>(bencher, false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f32(bencher: Bencher, batch_size: usize) {
        bench::<f32>(bencher, true, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f64(bencher: Bencher, batch_size: usize) {
        bench::<f64>(bencher, true, batch_size);
    }
}

/// The compiled network's fused `train_step`.
mod compiled_fused {
    use super::*;

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f32(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f32, _>(bencher, lab_compiled(), false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn sparse_f64(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f64, _>(bencher, lab_compiled(), false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f32(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f32, _>(bencher, lab_compiled(), true, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 15, sample_size = 1)]
    fn dense_f64(bencher: Bencher, batch_size: usize) {
        bench_epochs::<f64, _>(bencher, lab_compiled(), true, batch_size);
    }
}

/// The fused dense step at batch size 128 with a set number of kernel
/// threads.
mod threads {
    use super::*;

    fn bench<F: Float>(bencher: Bencher, threads: usize) {
        mlp::kernels::set_threads(threads);
        bench_epochs::<F, _>(bencher, lab_compiled(), true, 128);
        mlp::kernels::set_threads(0);
    }

    #[divan::bench(args = [1, 2], sample_count = 15, sample_size = 1)]
    fn fused_dense_f32_bsize_128(bencher: Bencher, threads: usize) {
        bench::<f32>(bencher, threads);
    }

    #[divan::bench(args = [1, 2], sample_count = 15, sample_size = 1)]
    fn fused_dense_f64_bsize_128(bencher: Bencher, threads: usize) {
        bench::<f64>(bencher, threads);
    }
}

/// Prediction: the forward pass over the 400 test reviews, counted in
/// reviews.
mod forward {
    use super::*;

    fn bench<F: Float>(bencher: Bencher, net: &impl Network<F>, input: &str) {
        let test = corpus().test::<F>();
        let test = match input {
            "dense" => test.to_dense(),
            _ => test,
        };
        bencher
            .counter(ItemsCount::new(test.len()))
            .bench_local(|| net.forward(test.x.inputs()).unwrap());
    }

    #[divan::bench(args = ["sparse", "dense"])]
    fn runtime_f32(bencher: Bencher, input: &str) {
        bench::<f32>(bencher, &lab_mlp(), input);
    }

    #[divan::bench(args = ["sparse", "dense"])]
    fn runtime_f64(bencher: Bencher, input: &str) {
        bench::<f64>(bencher, &lab_mlp(), input);
    }

    #[divan::bench(args = ["sparse", "dense"])]
    fn compiled_f32(bencher: Bencher, input: &str) {
        bench::<f32>(bencher, &lab_compiled(), input);
    }

    #[divan::bench(args = ["sparse", "dense"])]
    fn compiled_f64(bencher: Bencher, input: &str) {
        bench::<f64>(bencher, &lab_compiled(), input);
    }
}
