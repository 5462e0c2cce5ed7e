mlp::network! {
    struct Net {
        input: 10,
        hidden: sigmoid(20),
        hidden: tanh(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
