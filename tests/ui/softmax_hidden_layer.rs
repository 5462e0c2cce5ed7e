mlp::network! {
    struct Net {
        input: 10,
        hidden: softmax(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
