mlp::network! {
    struct Net {
        input: 10,
        cost: cross_entropy,
    }
}

fn main() {}
