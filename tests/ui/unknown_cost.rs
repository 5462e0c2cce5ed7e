mlp::network! {
    struct Net {
        input: 10,
        output: softmax(2),
        cost: cross_entrpy,
    }
}

mlp::network! {
    struct Other {
        input: 10,
        output: softmax(2),
        cost: hinge,
    }
}

fn main() {}
