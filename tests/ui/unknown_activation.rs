mlp::network! {
    struct Net {
        input: 10,
        hidden: sigmod(20),
        output: softmx(2),
        cost: cross_entropy,
    }
}

fn main() {}
