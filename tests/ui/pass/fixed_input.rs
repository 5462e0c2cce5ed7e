//! A network of several hidden layers and a fixed input width, in `f32`.

#![deny(warnings, missing_docs)]

mlp::network! {
    /// Three hidden layers.
    pub(crate) struct Deep {
        input: 8,
        first: sigmoid(7),
        second: tanh(6),
        third: relu(5),
        fourth: identity(4),
        output: softmax(3),
        cost: cross_entropy,
    }
}

fn main() {
    let mut net: Deep = Deep::new(1);
    let x = ndarray::Array2::<f32>::ones((2, 8));
    net.train_step(&x, &[0, 2], 0.1).unwrap();
    assert_eq!(net.input_width(), 8);
    assert_eq!(Deep::<f32>::LAYER_NAMES.len(), 5);
}
