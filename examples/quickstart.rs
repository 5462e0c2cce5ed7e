// The lab's network, declared with `network!` and trained on the books
// reviews: `cargo run --release --example quickstart`. The reviews are read
// from $MLP_DATA_DIR/books, and downloaded there first when missing.
use mlp::Sgd;
use mlp::corpus::{Corpus, CorpusOptions};
use mlp::download::{DownloadOptions, ensure_domain};
use mlp::metrics::evaluate;

mlp::network! {
    /// 20 sigmoid units, then a softmax over the classes positive and negative.
    pub struct Sentiment {
        input: dynamic,
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let books = ensure_domain("books", &DownloadOptions::default())?;
    let corpus = Corpus::load(books, &CorpusOptions::default())?;
    let (train, test) = (corpus.train::<f64>(), corpus.test::<f64>());

    // The lab's seed, then 2 epochs of minibatches of 5 at learning rate 0.05.
    let mut net = Sentiment::<f64>::new(corpus.n_features(), 1234)?;
    let epochs = Sgd::new(2, 5, 0.05)?.train(&mut net, &train, None, &mut ())?;

    println!("mean cost of the last epoch: {:.6}", epochs[1].mean_cost);
    println!("test accuracy: {:.6}", evaluate(&net, &test)?.accuracy);
    Ok(())
}
