mlp::network! {
    struct Net {
        input: 10,
        output: softmax(2),
        cost: cross_entropy,
        cost: cross_entropy,
    }
}

fn main() {}
