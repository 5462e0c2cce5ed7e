mlp::network! {
    struct Net {
        input: 10,
        forward: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
