mlp::network! {
    struct Net {
        input: 0,
        hidden: sigmoid(0),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
