//! The lab's network, used through its whole generated API.

#![deny(warnings, missing_docs)]

use mlp::Network;

mlp::network! {
    /// Bag-of-words sentiment classifier of the lab.
    pub struct Sentiment {
        input: dynamic,
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() -> mlp::Result<()> {
    let mut net = Sentiment::<f64>::new(6, 1234)?;
    let x = ndarray::Array2::<f64>::ones((3, 6));
    let y = [0, 1, 0];
    let cost = net.train_step(&x, &y, 0.05)?;
    let gradients: SentimentGradients<f64> = net.grads(&x, &y)?;
    net.apply_gradients(&gradients, 0.05)?;
    let hidden = net.hidden(&x)?;
    let probabilities = net.output(&hidden)?;
    println!("{cost} {probabilities} {:?}", net.w1.dim());
    println!("{}", Sentiment::<f64>::FORWARD_GRAPH);
    let runtime = net.to_mlp()?;
    let _ = Sentiment::from_mlp(&runtime)?;
    Ok(())
}
