mlp::network! {
    struct Net {
        input: 10,
        hidden sigmoid(20),
        middle: ,
        ,
        output: softmax(2) extra,
        cost: cross_entropy,
    }
}

fn main() {}
