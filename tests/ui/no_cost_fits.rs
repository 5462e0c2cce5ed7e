mlp::network! {
    struct Net {
        input: 10,
        output: tanh(2),
        cost: squared_error,
    }
}

fn main() {}
