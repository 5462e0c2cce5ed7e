mlp::network! {
    struct CrossEntropyOnSigmoid {
        input: 10,
        output: sigmoid(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    struct BinaryOnSoftmax {
        input: 10,
        output: softmax(2),
        cost: binary_cross_entropy,
    }
}

mlp::network! {
    struct SquaredOnSoftmax {
        input: 10,
        output: softmax(2),
        cost: squared_error,
    }
}

mlp::network! {
    struct OneClass {
        input: 10,
        output: softmax(1),
        cost: cross_entropy,
    }
}

fn main() {}
