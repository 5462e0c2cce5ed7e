//! Attributes and documentation reach the generated struct; a network
//! left undocumented still gets documentation.

#![deny(warnings, missing_docs)]

mlp::network! {
    /// Documented by its author.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Documented {
        input: 3,
        output: softmax(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    #[derive(Clone)]
    pub struct Undocumented {
        input: 3,
        output: softmax(2),
        cost: cross_entropy,
    }
}

mlp::network! {
    /// A layer whose name is not snake case.
    pub struct Shouting {
        input: 3,
        HIDDEN: sigmoid(2),
        output: softmax(2),
        cost: cross_entropy,
    }
}

fn main() {
    let documented = Documented::<f64>::new(1);
    assert_eq!(documented.clone(), documented);
    println!("{documented:?}");
    let _ = Undocumented::<f64>::new(1).clone();
    let shouting = Shouting::<f64>::new(1);
    let x = ndarray::Array2::<f64>::ones((1, 3));
    println!("{}", shouting.HIDDEN(&x).unwrap());
}
