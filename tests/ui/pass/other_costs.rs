//! Outputs trained on the binary cross-entropy and the squared error.

#![deny(warnings, missing_docs)]

mlp::network! {
    /// One sigmoid unit.
    struct Binary {
        input: dynamic,
        output: sigmoid(1),
        cost: binary_cross_entropy,
    }
}

mlp::network! {
    /// An identity output.
    struct Regression {
        input: 4,
        hidden: tanh(3),
        output: identity(2),
        cost: squared_error,
    }
}

fn main() {
    let binary = Binary::<f64>::new(4, 1).unwrap();
    let regression = Regression::<f64>::new(1);
    let x = ndarray::Array2::<f64>::ones((2, 4));
    println!("{}", binary.forward(&x).unwrap());
    println!("{}", regression.cost(&x, &[0, 1]).unwrap());
}
