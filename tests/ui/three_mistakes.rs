mlp::network! {
    pub struct Net {
        input: 10,
        hidden: sigmod(20),
        output: softmax(0),
        cost: cross_entropy,
        cost: squared_error,
    }
}

fn main() {}
