mlp::network! {
    enum Net {
        input: 10,
    }
}

fn main() {}
