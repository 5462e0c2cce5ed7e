mlp::network! {
    struct Net {
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
