mlp::network! {
    struct Net {
        input: 10,
        first: sigmoid(2.5),
        second: tanh(WIDTH),
        third: relu(20u8),
        output: softmax(2, 3),
        cost: cross_entropy,
    }
}

fn main() {}
