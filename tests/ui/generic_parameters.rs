mlp::network! {
    struct Net<T> {
        input: 10,
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {}
