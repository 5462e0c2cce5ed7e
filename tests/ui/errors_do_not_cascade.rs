mlp::network! {
    struct Net {
        input: 4,
        hidden: sigmod(3),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() -> mlp::Result<()> {
    let mut net = Net::<f64>::new(1234);
    let x = ndarray::Array2::<f64>::zeros((2, 4));
    let cost = net.train_step(&x, &[0, 1], 0.05)?;
    let probabilities = net.forward(&x)?;
    println!("{cost} {probabilities} {}", net.w1);
    println!("{}", Net::<f64>::FORWARD_GRAPH);
    assert_eq!(net.classes(), 2);
    Ok(())
}
