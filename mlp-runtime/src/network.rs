//! The interface the SGD trainer and the metrics work through, shared by the
//! runtime MLP and the networks compiled by `network!`.

use ndarray::{Array2, ArrayViewD, ArrayViewMutD};

use crate::activation::Activation;
use crate::batch::Inputs;
use crate::error::{Error, Result};
use crate::float::Float;

/// A classifier trained by minibatch SGD on the mean cross-entropy.
///
/// Inputs are batches of examples, one per row, dense or sparse. Labels are
/// class numbers from 0. Every method checks the batch width and the labels
/// and returns an error instead of panicking; a method that returns an error
/// changes no parameter.
///
/// Code written against the trait serves the runtime [`Mlp`](crate::Mlp)
/// and every network declared with `network!`:
///
/// ```
/// use mlp_runtime::{Activation, Inputs, Mlp, Network};
///
/// /// Runs `steps` SGD steps on one batch and returns the last cost.
/// fn fit<N: Network<f64>>(
///     net: &mut N,
///     x: Inputs<'_, f64>,
///     y: &[usize],
///     steps: usize,
/// ) -> mlp_runtime::Result<f64> {
///     let mut cost = net.cost(x, y)?;
///     for _ in 0..steps {
///         cost = net.train_step(x, y, 0.5)?;
///     }
///     Ok(cost)
/// }
///
/// let mut net = Mlp::<f64>::new(&[2, 3, 2], &[Activation::Sigmoid, Activation::Softmax], 1)?;
/// let x = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
/// let before = net.cost(x.view().into(), &[0, 1])?;
/// fit(&mut net, x.view().into(), &[0, 1], 100)?;
/// assert!(net.cost(x.view().into(), &[0, 1])? < before);
/// # Ok::<(), mlp_runtime::Error>(())
/// ```
pub trait Network<F: Float> {
    /// The gradient of the cost with respect to every parameter.
    type Gradients: ParameterGradients<F>;

    /// Returns the number of features each example must have.
    fn input_width(&self) -> usize;

    /// Returns the number of classes (the width of the output layer, or 2
    /// for a single sigmoid unit).
    fn classes(&self) -> usize;

    /// Returns the layer widths, activations and cost: what a saved model
    /// records so that it can be loaded into the right network.
    fn architecture(&self) -> Architecture;

    /// Returns the class probabilities of each example (rows × classes).
    ///
    /// # Errors
    ///
    /// Returns [`Error::InputWidth`] when the batch width differs from
    /// [`Network::input_width`].
    fn forward(&self, x: Inputs<'_, F>) -> Result<Array2<F>>;

    /// Returns the log-probability of each class for each example, computed
    /// without taking the logarithm of a probability that underflowed.
    ///
    /// # Errors
    ///
    /// As [`Network::forward`].
    fn log_probabilities(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        Ok(self.forward(x)?.mapv(F::ln))
    }

    /// Returns the mean cross-entropy −log p(y | x) over the batch (0 for an
    /// empty batch).
    ///
    /// # Errors
    ///
    /// Returns [`Error::InputWidth`], [`Error::LabelCount`] or
    /// [`Error::LabelOutOfRange`] for a batch that does not fit.
    fn cost(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<F>;

    /// Returns the cost of the batch and its gradient with respect to every
    /// parameter, by backpropagation.
    ///
    /// # Errors
    ///
    /// As [`Network::cost`].
    fn cost_and_gradients(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<(F, Self::Gradients)>;

    /// Returns the gradient of the cost with respect to every parameter.
    ///
    /// # Errors
    ///
    /// As [`Network::cost`].
    fn gradients(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<Self::Gradients> {
        Ok(self.cost_and_gradients(x, y)?.1)
    }

    /// Applies one SGD update, `parameter −= learning_rate · gradient`.
    ///
    /// # Errors
    ///
    /// Returns [`Error::NonFinite`] when a parameter is NaN or infinite after
    /// the update; the update is not undone.
    fn apply_gradients(&mut self, gradients: &Self::Gradients, learning_rate: F) -> Result<()>;

    /// Runs one SGD step on a minibatch and returns the batch's cost before
    /// the update. An empty batch changes nothing and costs 0.
    ///
    /// The default computes the gradients, then applies them; compiled
    /// networks replace it with a fused step.
    ///
    /// # Errors
    ///
    /// As [`Network::cost`], raised before any parameter changes, and as
    /// [`Network::apply_gradients`].
    fn train_step(&mut self, x: Inputs<'_, F>, y: &[usize], learning_rate: F) -> Result<F> {
        check_batch(&x, Some(y), self.input_width(), self.classes())?;
        if y.is_empty() {
            return Ok(F::zero());
        }
        let (cost, gradients) = self.cost_and_gradients(x, y)?;
        self.apply_gradients(&gradients, learning_rate)?;
        Ok(cost)
    }

    /// Returns the names of the parameters in order, such as `W1`, `b1`,
    /// `W2`, `b2`.
    fn parameter_names(&self) -> Vec<String>;

    /// Borrows the parameter `name`, or returns `None` when there is none.
    fn parameter(&self, name: &str) -> Option<ArrayViewD<'_, F>>;

    /// Borrows the parameter `name` mutably, or returns `None` when there is
    /// none.
    fn parameter_mut(&mut self, name: &str) -> Option<ArrayViewMutD<'_, F>>;
}

/// The cost a network is trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cost {
    /// Mean cross-entropy over a softmax output.
    CrossEntropy,
    /// Mean binary cross-entropy over a single sigmoid unit.
    BinaryCrossEntropy,
    /// Mean squared error between an identity output and the one-hot label.
    SquaredError,
}

impl Cost {
    /// Returns the snake-case name used in declarations and saved models.
    pub fn name(self) -> &'static str {
        match self {
            Cost::CrossEntropy => "cross_entropy",
            Cost::BinaryCrossEntropy => "binary_cross_entropy",
            Cost::SquaredError => "squared_error",
        }
    }

    /// Parses a name returned by [`Cost::name`].
    pub fn from_name(name: &str) -> Option<Cost> {
        [
            Cost::CrossEntropy,
            Cost::BinaryCrossEntropy,
            Cost::SquaredError,
        ]
        .into_iter()
        .find(|cost| cost.name() == name)
    }
}

impl std::fmt::Display for Cost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The shape of a network: its geometry (input width, then each layer's
/// width), one activation per layer, and its cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Architecture {
    /// Input width, then the width of each layer.
    pub geometry: Vec<usize>,
    /// One activation per layer, input side first.
    pub activations: Vec<Activation>,
    /// The cost the network is trained on.
    pub cost: Cost,
}

impl std::fmt::Display for Architecture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let activations: Vec<&str> = self.activations.iter().map(|a| a.name()).collect();
        write!(
            f,
            "{:?} with activations [{}] and cost {}",
            self.geometry,
            activations.join(", "),
            self.cost
        )
    }
}

/// Gradients that can be looked up by the name of their parameter, so that
/// code generic over networks (gradient checks, tools) can read them.
pub trait ParameterGradients<F> {
    /// Borrows the gradient of parameter `name`, or returns `None` when the
    /// network has no such parameter.
    fn gradient(&self, name: &str) -> Option<ArrayViewD<'_, F>>;
}

/// Checks a batch against a network's input width and class count, before
/// anything is computed.
///
/// # Errors
///
/// Returns [`Error::InputWidth`] for a batch of the wrong width,
/// [`Error::LabelCount`] when `y` is given and its length differs from the
/// number of examples, and [`Error::LabelOutOfRange`] for the first label
/// that is not below `classes`.
pub fn check_batch<F: Float>(
    x: &Inputs<'_, F>,
    y: Option<&[usize]>,
    input_width: usize,
    classes: usize,
) -> Result<()> {
    if x.cols() != input_width {
        return Err(Error::InputWidth {
            expected: input_width,
            actual: x.cols(),
        });
    }
    if let Some(y) = y {
        check_labels(y, x.rows(), classes)?;
    }
    Ok(())
}

/// Checks that there are `examples` labels, each below `classes`.
///
/// # Errors
///
/// Returns [`Error::LabelCount`] or [`Error::LabelOutOfRange`].
pub fn check_labels(y: &[usize], examples: usize, classes: usize) -> Result<()> {
    if y.len() != examples {
        return Err(Error::LabelCount {
            examples,
            labels: y.len(),
        });
    }
    match y.iter().position(|&label| label >= classes) {
        Some(example) => Err(Error::LabelOutOfRange {
            example,
            label: y[example],
            classes,
        }),
        None => Ok(()),
    }
}
