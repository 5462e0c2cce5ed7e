mlp::network! {
    struct Net {
        inputs: 10,
        output: softmax(2),
        cost: cross_entropy,
        learning_rate: 0.05,
    }
}

fn main() {}
