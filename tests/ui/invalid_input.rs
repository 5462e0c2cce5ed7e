mlp::network! {
    struct Net {
        input: dynamc,
        output: softmax(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    struct Other {
        input: -3,
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
