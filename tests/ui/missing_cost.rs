mlp::network! {
    struct Net {
        input: 10,
        output: softmax(2),
    }
}

fn main() {}
