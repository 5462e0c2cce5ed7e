//! One training epoch of the lab's `[13989, 20, 2]` network on books (1600
//! reviews), and prediction throughput.
//!
//! Needs the corpus under `$MLP_DATA_DIR/books`. Divan reports the fastest,
//! slowest, median and mean time of an epoch over its samples.

use std::sync::OnceLock;

use divan::Bencher;
use divan::counter::ItemsCount;
use mlp::corpus::{Corpus, CorpusOptions};
use mlp::{Activation, Dataset, Float, Mlp, Network};

fn main() {
    divan::main();
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

fn run_epoch<F: Float, N: Network<F>>(net: &mut N, data: &Dataset<F>, batch_size: usize) {
    let learning_rate = F::from_f64(LEARNING_RATE);
    for batch in data.minibatches(batch_size) {
        net.train_step(batch.x, batch.y, learning_rate).unwrap();
    }
}

fn bench_runtime_epoch<F: Float>(bencher: Bencher, dense: bool, batch_size: usize) {
    let data = train_set::<F>(dense);
    bencher
        .with_inputs(lab_mlp::<F>)
        .bench_local_values(|mut net| {
            run_epoch(&mut net, &data, batch_size);
            net
        });
}

/// The runtime MLP (the NumPy-style baseline): gradients, then the update.
mod runtime_mlp {
    use super::*;

    #[divan::bench(args = [5, 128], sample_count = 10)]
    fn sparse_f32(bencher: Bencher, batch_size: usize) {
        bench_runtime_epoch::<f32>(bencher, false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 10)]
    fn sparse_f64(bencher: Bencher, batch_size: usize) {
        bench_runtime_epoch::<f64>(bencher, false, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 5)]
    fn dense_f32(bencher: Bencher, batch_size: usize) {
        bench_runtime_epoch::<f32>(bencher, true, batch_size);
    }

    #[divan::bench(args = [5, 128], sample_count = 5)]
    fn dense_f64(bencher: Bencher, batch_size: usize) {
        bench_runtime_epoch::<f64>(bencher, true, batch_size);
    }
}

/// Prediction: the forward pass over the 400 test reviews, counted in
/// reviews.
mod forward {
    use super::*;

    fn bench<F: Float>(bencher: Bencher, dense: bool) {
        let test = corpus().test::<F>();
        let test = if dense { test.to_dense() } else { test };
        let net = lab_mlp::<F>();
        bencher
            .counter(ItemsCount::new(test.len()))
            .bench_local(|| net.forward(test.x.inputs()).unwrap());
    }

    #[divan::bench]
    fn runtime_sparse_f32(bencher: Bencher) {
        bench::<f32>(bencher, false);
    }

    #[divan::bench]
    fn runtime_dense_f32(bencher: Bencher) {
        bench::<f32>(bencher, true);
    }
}
