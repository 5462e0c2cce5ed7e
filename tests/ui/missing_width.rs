mlp::network! {
    struct Net {
        input: 10,
        hidden: sigmoid,
        middle: tanh(),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
