//! Exercises 6.3 to 6.7: the lab's network with its graph compiled by
//! rustc through `network!`, where the lab compiles it with Theano.

use std::error::Error;
use std::time::Instant;

use mlp::metrics::evaluate;
use mlp::train::Unfused;
use mlp::{Inputs, Matrix, Network, Sgd};
use ndarray::{Array2, ArrayView2};

use super::{LEARNING_RATE, Lab, lab_network};

mlp::network! {
    /// The lab's network: a sigmoid hidden layer of 20 units and a softmax
    /// output of 2 classes over the bag-of-words features.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Sentiment {
        input: dynamic,
        hidden: sigmoid(20),
        output: softmax(2),
        cost: cross_entropy,
    }
}

/// Returns whether every entry of `actual` is within NumPy's `allclose`
/// tolerance of `expected`: |a − b| ≤ 1e-8 + 1e-5·|b|.
fn allclose(actual: ArrayView2<'_, f64>, expected: ArrayView2<'_, f64>) -> bool {
    actual.shape() == expected.shape()
        && actual
            .iter()
            .zip(&expected)
            .all(|(a, b)| (a - b).abs() <= 1e-8 + 1e-5 * b.abs())
}

/// Exercise 6.3: the graph of the first layer, and the compiled layer
/// against the same computation in the runtime.
pub fn exercise_6_3(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.3");
    println!("{}", Sentiment::<f64>::LAYER_GRAPHS[0]);

    let runtime = lab_network(lab)?;
    let compiled = Sentiment::from_mlp(&runtime)?;
    let x = lab.test.x.inputs();
    let first = &runtime.layers()[0];
    let mut expected = Array2::zeros((x.rows(), first.outputs()));
    mlp::ops::linear(x, first.weight(), first.bias(), expected.view_mut());
    expected.mapv_inplace(mlp::ops::sigmoid);

    let actual = compiled.hidden(x)?;
    if !allclose(actual.view(), expected.view()) {
        return Err("the runtime and compiled first layers differ".into());
    }
    println!("Runtime and compiled first layers are equivalent");
    Ok(())
}

/// Exercise 6.4: the compiled forward pass of the whole network against the
/// runtime MLP with the same weights.
pub fn exercise_6_4(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.4");
    println!("{}", Sentiment::<f64>::FORWARD_GRAPH);

    let runtime = lab_network(lab)?;
    let compiled = Sentiment::from_mlp(&runtime)?;
    let x = lab.test.x.inputs();
    if !allclose(compiled.forward(x)?.view(), runtime.forward(x)?.view()) {
        return Err("the runtime and compiled forward passes differ".into());
    }
    println!("Runtime and compiled forward passes are equivalent");
    Ok(())
}

/// Exercise 6.5: the cost of the training set and its gradient with respect
/// to W1.
pub fn exercise_6_5(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.5");
    println!("{}", Sentiment::<f64>::COST_GRAPH);

    let net = Sentiment::<f64>::new(lab.corpus.n_features(), super::SEED)?;
    let x = lab.train.x.inputs();
    let (cost, gradients) = net.cost_and_grads(x, &lab.train.y)?;
    let norm = gradients.w1.iter().map(|g| g * g).sum::<f64>().sqrt();
    println!("cost {cost:.6}");
    println!(
        "gradient of W1: shape {:?}, norm {norm:.6e}",
        gradients.w1.shape()
    );
    println!(
        "first entries of row 0: {}",
        gradients.w1.slice(ndarray::s![0, ..4])
    );
    Ok(())
}

/// Exercise 6.6: minibatch `j` of the training data, a view of its rows.
pub fn exercise_6_6(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.6");
    let (j, batch_size) = (3, 5);
    let batch = lab.train.minibatch(j, batch_size);
    let Inputs::Sparse(rows) = batch.x else {
        return Err("the books training set is sparse".into());
    };
    println!(
        "minibatch {j}: {} × {} with {} stored entries, labels {:?}",
        rows.rows(),
        rows.cols(),
        rows.nnz(),
        batch.y
    );

    let Matrix::Sparse(all) = &lab.train.x else {
        return Err("the books training set is sparse".into());
    };
    // The batch's first row starts inside the training matrix's own
    // storage: taking the batch copied nothing.
    let offset = rows.row(0).1.as_ptr() as usize - all.values().as_ptr() as usize;
    let entry = offset / size_of::<f64>();
    println!(
        "its values start at entry {entry} of the training matrix's values (row pointer {})",
        all.indptr()[j * batch_size]
    );
    Ok(())
}

/// Exercise 6.7: the lab's network trained three ways from the same
/// initial weights, 2 epochs at batch size 5 on dense input as the lab
/// trains it, and then with the fused step on the sparse input.
pub fn exercise_6_7(lab: &Lab) -> Result<(), Box<dyn Error>> {
    println!("\n## Exercise 6.7");
    let sgd = Sgd::new(2, 5, LEARNING_RATE)?;
    let inputs = lab.corpus.n_features();
    let dense = lab.train.to_dense();

    let mut runtime = lab_network(lab)?;
    let start = Instant::now();
    sgd.train(&mut runtime, &dense, None, &mut ())?;
    let runtime_seconds = start.elapsed().as_secs_f64();

    let mut unfused = Sentiment::<f64>::new(inputs, super::SEED)?;
    let start = Instant::now();
    sgd.train(&mut Unfused(&mut unfused), &dense, None, &mut ())?;
    let unfused_seconds = start.elapsed().as_secs_f64();

    let mut fused = Sentiment::<f64>::new(inputs, super::SEED)?;
    let start = Instant::now();
    sgd.train(&mut fused, &dense, None, &mut ())?;
    let fused_seconds = start.elapsed().as_secs_f64();

    let mut sparse = Sentiment::<f64>::new(inputs, super::SEED)?;
    let start = Instant::now();
    sgd.train(&mut sparse, &lab.train, None, &mut ())?;
    let sparse_seconds = start.elapsed().as_secs_f64();

    println!(
        "{:<44} {:>8} {:>10} {:>10}",
        "variant", "seconds", "train acc", "test acc"
    );
    print_row("runtime MLP", runtime_seconds, &runtime, lab)?;
    print_row(
        "compiled gradients, update outside",
        unfused_seconds,
        &unfused,
        lab,
    )?;
    print_row("compiled fused train_step", fused_seconds, &fused, lab)?;
    print_row(
        "compiled fused train_step, sparse input",
        sparse_seconds,
        &sparse,
        lab,
    )?;
    if sparse != fused {
        return Err("the sparse and dense fused steps trained different weights".into());
    }
    println!("The sparse and dense fused steps trained the same weights, bit for bit");
    Ok(())
}

fn print_row(variant: &str, seconds: f64, net: &impl Network<f64>, lab: &Lab) -> mlp::Result<()> {
    let train = evaluate(net, &lab.train)?.accuracy;
    let test = evaluate(net, &lab.test)?.accuracy;
    println!("{variant:<44} {seconds:>8.3} {train:>10.6} {test:>10.6}");
    Ok(())
}
