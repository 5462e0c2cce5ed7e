mlp::network! {
    struct Net {
        input: 10,
        input: dynamic,
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
