//! The runtime-geometry multilayer perceptron: the lab's NumPy MLP, with the
//! geometry chosen at run time. Compiled networks are checked and timed
//! against it.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMutD, Zip};

use crate::activation::Activation;
use crate::batch::Inputs;
use crate::error::{Error, Result};
use crate::float::Float;
use crate::network::{Architecture, Cost, Network, ParameterGradients, check_batch};
use crate::ops;
use crate::rng::MersenneTwister;

mod gradient;

pub use gradient::{ColumnGradient, WeightGradient};

/// One fully connected layer: `a = f(x·Wᵀ + b)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<F> {
    weight: Array2<F>,
    bias: Array1<F>,
    activation: Activation,
}

impl<F: Float> Layer<F> {
    /// Creates a layer from its weight (outputs × inputs), bias (outputs) and
    /// activation.
    ///
    /// The weight is stored column-major, copied when it is not already,
    /// so that the weights of one input feature are contiguous: a sparse
    /// batch reads and updates only its features' columns.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidNetwork`] when the bias length differs from
    /// the number of weight rows or a dimension is 0.
    pub fn new(weight: Array2<F>, bias: Array1<F>, activation: Activation) -> Result<Self> {
        if weight.nrows() != bias.len() {
            return Err(Error::InvalidNetwork(format!(
                "a weight of {} rows needs a bias of {} entries, got {}",
                weight.nrows(),
                weight.nrows(),
                bias.len()
            )));
        }
        if weight.is_empty() {
            return Err(Error::InvalidNetwork(format!(
                "a layer needs at least one input and one output, got a {}x{} weight",
                weight.nrows(),
                weight.ncols()
            )));
        }
        Ok(Layer {
            weight: crate::kernels::to_column_major(weight),
            bias,
            activation,
        })
    }

    /// Returns the weight matrix, outputs × inputs.
    pub fn weight(&self) -> ArrayView2<'_, F> {
        self.weight.view()
    }

    /// Returns the bias vector.
    pub fn bias(&self) -> ArrayView1<'_, F> {
        self.bias.view()
    }

    /// Returns the activation.
    pub fn activation(&self) -> Activation {
        self.activation
    }

    /// Returns the number of inputs.
    pub fn inputs(&self) -> usize {
        self.weight.ncols()
    }

    /// Returns the number of outputs.
    pub fn outputs(&self) -> usize {
        self.weight.nrows()
    }
}

/// The gradient of one layer's parameters.
#[derive(Debug, Clone)]
pub struct LayerGradients<F> {
    /// Gradient of the weight, outputs × inputs: only the columns of the
    /// stored features for the first layer on a sparse batch.
    pub weight: WeightGradient<F>,
    /// Gradient of the bias.
    pub bias: Array1<F>,
}

impl<F: Float> PartialEq for LayerGradients<F> {
    /// Compares the values, whatever the weight gradient's representation.
    fn eq(&self, other: &Self) -> bool {
        self.weight == other.weight && self.bias == other.bias
    }
}

/// The gradient of every parameter of an [`Mlp`], layer by layer.
#[derive(Debug, Clone)]
pub struct MlpGradients<F> {
    /// One entry per layer, input side first.
    pub layers: Vec<LayerGradients<F>>,
}

impl<F: Float> PartialEq for MlpGradients<F> {
    fn eq(&self, other: &Self) -> bool {
        self.layers == other.layers
    }
}

impl<F: Float> ParameterGradients<F> for MlpGradients<F> {
    /// Borrows the gradient of parameter `name`. A column gradient makes
    /// its dense form on the first call, which allocates.
    fn gradient(&self, name: &str) -> Option<ArrayViewD<'_, F>> {
        let (index, is_weight) = parse_parameter_name(name)?;
        let layer = self.layers.get(index)?;
        Some(match is_weight {
            true => layer.weight.dense().into_dyn(),
            false => layer.bias.view().into_dyn(),
        })
    }
}

/// Splits a parameter name such as `W2` or `b1` into the layer index from 0
/// and whether it names a weight.
fn parse_parameter_name(name: &str) -> Option<(usize, bool)> {
    let (is_weight, number) = match name.split_at_checked(1)? {
        ("W", number) => (true, number),
        ("b", number) => (false, number),
        _ => return None,
    };
    if number.starts_with('0') {
        return None;
    }
    let layer = number.parse::<usize>().ok()?.checked_sub(1)?;
    Some((layer, is_weight))
}

/// A multilayer perceptron whose geometry is chosen at run time, with a
/// softmax output trained on the mean cross-entropy.
///
/// Parameters are named `W1`, `b1`, `W2`, `b2`, … from the input side, and
/// each `W` is outputs × inputs as in the lab.
///
/// ```
/// use mlp_runtime::{Activation, Mlp, Network};
/// use ndarray::array;
///
/// let net = Mlp::<f64>::new(&[3, 4, 2], &[Activation::Sigmoid, Activation::Softmax], 1234)?;
/// let p = net.forward(array![[1.0, 0.0, 2.0]].view().into())?;
/// assert!((p.sum() - 1.0).abs() < 1e-12);
/// # Ok::<(), mlp_runtime::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp<F> {
    layers: Vec<Layer<F>>,
}

impl<F: Float> Mlp<F> {
    /// Creates a network with the lab's initialisation from NumPy's
    /// `RandomState(seed)` stream; see [`Mlp::with_rng`].
    ///
    /// # Errors
    ///
    /// As [`Mlp::with_rng`].
    pub fn new(geometry: &[usize], activations: &[Activation], seed: u32) -> Result<Self> {
        Self::with_rng(geometry, activations, &mut MersenneTwister::new(seed))
    }

    /// Creates a network of `geometry` (input width, then each layer's width)
    /// with one activation per layer, drawing the weights from `rng`.
    ///
    /// Each weight is uniform in ±sqrt(6 / (inputs + outputs)), times 4 for
    /// sigmoid and softmax layers; biases are 0. Layers are drawn in order,
    /// each in row-major order, in `f64`, and rounded once to `F`. With
    /// `MersenneTwister::new(1234)` these are the lab's weights bit for bit.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidNetwork`] for a geometry with fewer than two
    /// entries or a zero width, an activation list whose length is not the
    /// number of layers, a softmax on a hidden layer, an output layer that is
    /// not softmax, or fewer than two classes.
    pub fn with_rng(
        geometry: &[usize],
        activations: &[Activation],
        rng: &mut MersenneTwister,
    ) -> Result<Self> {
        check_geometry(geometry, activations)?;
        let layers = geometry
            .windows(2)
            .zip(activations)
            .map(|(widths, &activation)| {
                let (inputs, outputs) = (widths[0], widths[1]);
                let weight = initial_weight(inputs, outputs, activation, rng);
                Layer::new(weight, Array1::zeros(outputs), activation)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Mlp { layers })
    }

    /// Creates a network from existing layers.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidNetwork`] when a layer's inputs differ from the
    /// previous layer's outputs, or for the activation rules of
    /// [`Mlp::with_rng`].
    pub fn from_layers(layers: Vec<Layer<F>>) -> Result<Self> {
        let mut geometry = Vec::with_capacity(layers.len() + 1);
        geometry.extend(layers.first().map(Layer::inputs));
        for (index, layer) in layers.iter().enumerate() {
            if index > 0 && layer.inputs() != layers[index - 1].outputs() {
                return Err(Error::InvalidNetwork(format!(
                    "layer {} has {} inputs but layer {index} has {} outputs",
                    index + 1,
                    layer.inputs(),
                    layers[index - 1].outputs()
                )));
            }
            geometry.push(layer.outputs());
        }
        let activations: Vec<Activation> = layers.iter().map(Layer::activation).collect();
        check_geometry(&geometry, &activations)?;
        Ok(Mlp { layers })
    }

    /// Returns the layers, input side first.
    pub fn layers(&self) -> &[Layer<F>] {
        &self.layers
    }

    /// Returns the geometry: the input width, then each layer's width.
    pub fn geometry(&self) -> Vec<usize> {
        std::iter::once(self.layers[0].inputs())
            .chain(self.layers.iter().map(Layer::outputs))
            .collect()
    }

    /// Returns each layer's activation.
    pub fn activations(&self) -> Vec<Activation> {
        self.layers.iter().map(Layer::activation).collect()
    }

    /// Returns the output of every layer for the batch, input side first;
    /// the last entry is the class probabilities.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InputWidth`] for a batch of the wrong width.
    pub fn forward_all(&self, x: Inputs<'_, F>) -> Result<Vec<Array2<F>>> {
        check_batch(&x, None, self.input_width(), self.classes())?;
        let mut outputs = self.hidden_outputs(x);
        let mut probabilities = self.output_logits(x, &outputs);
        ops::softmax_rows(probabilities.view_mut());
        outputs.push(probabilities);
        Ok(outputs)
    }

    /// Returns the logits of the output layer, before the softmax.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InputWidth`] for a batch of the wrong width.
    pub fn logits(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        check_batch(&x, None, self.input_width(), self.classes())?;
        let hidden = self.hidden_outputs(x);
        Ok(self.output_logits(x, &hidden))
    }

    fn hidden_outputs(&self, x: Inputs<'_, F>) -> Vec<Array2<F>> {
        let hidden = &self.layers[..self.layers.len() - 1];
        let mut outputs: Vec<Array2<F>> = Vec::with_capacity(self.layers.len());
        for layer in hidden {
            let input = match outputs.last() {
                Some(a) => Inputs::Dense(a.view()),
                None => x.reborrow(),
            };
            let mut a = Array2::zeros((x.rows(), layer.outputs()));
            ops::linear(input, layer.weight(), layer.bias(), a.view_mut());
            activate(layer.activation, &mut a);
            outputs.push(a);
        }
        outputs
    }

    fn output_logits(&self, x: Inputs<'_, F>, hidden: &[Array2<F>]) -> Array2<F> {
        let layer = self
            .layers
            .last()
            .expect("a network has at least one layer");
        let input = match hidden.last() {
            Some(a) => Inputs::Dense(a.view()),
            None => x.reborrow(),
        };
        let mut z = Array2::zeros((x.rows(), layer.outputs()));
        ops::linear(input, layer.weight(), layer.bias(), z.view_mut());
        z
    }

    fn parameter_index(&self, name: &str) -> Option<(usize, bool)> {
        let (layer, is_weight) = parse_parameter_name(name)?;
        (layer < self.layers.len()).then_some((layer, is_weight))
    }
}

impl<F: Float> Network<F> for Mlp<F> {
    type Gradients = MlpGradients<F>;

    fn input_width(&self) -> usize {
        self.layers[0].inputs()
    }

    fn classes(&self) -> usize {
        self.layers[self.layers.len() - 1].outputs()
    }

    fn architecture(&self) -> Architecture {
        Architecture {
            geometry: self.geometry(),
            activations: self.activations(),
            cost: Cost::CrossEntropy,
        }
    }

    fn forward(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        let mut probabilities = self.logits(x)?;
        ops::softmax_rows(probabilities.view_mut());
        Ok(probabilities)
    }

    fn log_probabilities(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        Ok(ops::log_softmax_rows(self.logits(x)?.view()))
    }

    fn cost(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<F> {
        check_batch(&x, Some(y), self.input_width(), self.classes())?;
        Ok(ops::cross_entropy(self.logits(x)?.view(), y))
    }

    fn cost_and_gradients(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<(F, MlpGradients<F>)> {
        check_batch(&x, Some(y), self.input_width(), self.classes())?;
        let hidden = self.hidden_outputs(x);
        let mut delta = self.output_logits(x, &hidden);
        let cost = ops::cross_entropy(delta.view(), y);
        ops::softmax_rows(delta.view_mut());
        ops::softmax_cross_entropy_delta(delta.view_mut(), y);

        // Backpropagation from the output layer down: each layer's gradient
        // is its delta times its input, and the delta of the layer below is
        // this delta through the weights, times the activation's derivative.
        let mut gradients = Vec::with_capacity(self.layers.len());
        for (index, layer) in self.layers.iter().enumerate().rev() {
            let input = match index {
                0 => x.reborrow(),
                _ => Inputs::Dense(hidden[index - 1].view()),
            };
            // A sparse batch gives the first layer a gradient on the
            // columns it stores alone.
            let weight = match input {
                Inputs::Sparse(x) => {
                    WeightGradient::Columns(ColumnGradient::from_sparse(delta.view(), x))
                }
                // Column-major as the weight, so that the update walks
                // both in memory order.
                Inputs::Dense(x) => {
                    WeightGradient::Dense(ops::dense_weight_gradient(delta.view(), x))
                }
            };
            let bias = ops::bias_gradient(delta.view());
            gradients.push(LayerGradients { weight, bias });

            if index > 0 {
                let below = &self.layers[index - 1];
                let mut next = delta.dot(&layer.weight);
                ops::scale_by_derivative(
                    below.activation,
                    next.view_mut(),
                    hidden[index - 1].view(),
                );
                delta = next;
            }
        }
        gradients.reverse();
        Ok((cost, MlpGradients { layers: gradients }))
    }

    fn apply_gradients(&mut self, gradients: &MlpGradients<F>, learning_rate: F) -> Result<()> {
        assert_eq!(
            gradients.layers.len(),
            self.layers.len(),
            "gradients of another network"
        );
        let mut non_finite = None;
        for (index, (layer, gradient)) in self.layers.iter_mut().zip(&gradients.layers).enumerate()
        {
            if !gradient
                .weight
                .descend(layer.weight.view_mut().into_dyn(), learning_rate)
            {
                non_finite.get_or_insert(format!("parameter W{}", index + 1));
            }
            if !sgd_update(
                layer.bias.view_mut().into_dyn(),
                gradient.bias.view().into_dyn(),
                learning_rate,
            ) {
                non_finite.get_or_insert(format!("parameter b{}", index + 1));
            }
        }
        match non_finite {
            Some(what) => Err(Error::NonFinite { what }),
            None => Ok(()),
        }
    }

    fn train_step(&mut self, x: Inputs<'_, F>, y: &[usize], learning_rate: F) -> Result<F> {
        check_batch(&x, Some(y), self.input_width(), self.classes())?;
        if y.is_empty() {
            return Ok(F::zero());
        }
        let (cost, gradients) = self.cost_and_gradients(x, y)?;
        self.apply_gradients(&gradients, learning_rate)?;
        Ok(cost)
    }

    fn parameter_names(&self) -> Vec<String> {
        (1..=self.layers.len())
            .flat_map(|number| [format!("W{number}"), format!("b{number}")])
            .collect()
    }

    fn parameter(&self, name: &str) -> Option<ArrayViewD<'_, F>> {
        let (index, is_weight) = self.parameter_index(name)?;
        let layer = &self.layers[index];
        Some(match is_weight {
            true => layer.weight.view().into_dyn(),
            false => layer.bias.view().into_dyn(),
        })
    }

    fn parameter_mut(&mut self, name: &str) -> Option<ArrayViewMutD<'_, F>> {
        let (index, is_weight) = self.parameter_index(name)?;
        let layer = &mut self.layers[index];
        Some(match is_weight {
            true => layer.weight.view_mut().into_dyn(),
            false => layer.bias.view_mut().into_dyn(),
        })
    }
}

/// Applies `parameter −= learning_rate · gradient` and returns whether every
/// updated value is finite.
pub fn sgd_update<F: Float>(
    mut parameter: ArrayViewMutD<'_, F>,
    gradient: ArrayViewD<'_, F>,
    learning_rate: F,
) -> bool {
    if parameter.shape() == gradient.shape()
        && parameter.strides() == gradient.strides()
        && let (Some(parameters), Some(gradients)) = (
            parameter.as_slice_memory_order_mut(),
            gradient.as_slice_memory_order(),
        )
    {
        return descend_slice(parameters, gradients, learning_rate);
    }
    // NOTE: v * 0 is 0 for finite v and NaN otherwise, so the sum of those
    // products checks every value without a branch in the loop.
    let mut check = F::zero();
    Zip::from(&mut parameter).and(&gradient).for_each(|p, &g| {
        *p -= learning_rate * g;
        check += *p * F::zero();
    });
    check == F::zero()
}

/// The values that [`descend_slice`] handles per step, each with its own
/// finiteness check, so that the loop needs no sum across them.
const DESCENT_LANES: usize = 64;

ops::vectorised! {
    /// Applies `parameters −= learning_rate · gradients` elementwise and
    /// returns whether every updated value is finite, as [`sgd_update`]
    /// does.
    fn descend_slice<F: Float>(parameters: &mut [F], gradients: &[F], learning_rate: F) -> bool {
        assert_eq!(parameters.len(), gradients.len(), "gradient of another parameter");
        // v * 0 is 0 for finite v and NaN otherwise. Each lane sums the
        // products of its own values, so the lanes vectorise, and any NaN
        // stays NaN whatever the order of the sums.
        let mut checks = [F::zero(); DESCENT_LANES];
        let mut parameter_chunks = parameters.chunks_exact_mut(DESCENT_LANES);
        let mut gradient_chunks = gradients.chunks_exact(DESCENT_LANES);
        for (p, g) in (&mut parameter_chunks).zip(&mut gradient_chunks) {
            for ((p, &g), check) in p.iter_mut().zip(g).zip(&mut checks) {
                *p -= learning_rate * g;
                *check += *p * F::zero();
            }
        }
        let p = parameter_chunks.into_remainder();
        let g = gradient_chunks.remainder();
        for ((p, &g), check) in p.iter_mut().zip(g).zip(&mut checks) {
            *p -= learning_rate * g;
            *check += *p * F::zero();
        }
        checks.iter().all(|&check| check == F::zero())
    }
}

fn activate<F: Float>(activation: Activation, a: &mut Array2<F>) {
    match activation {
        Activation::Sigmoid => a.mapv_inplace(ops::sigmoid),
        Activation::Tanh => a.mapv_inplace(F::tanh),
        Activation::Relu => a.mapv_inplace(ops::relu),
        Activation::Identity => {}
        Activation::Softmax => ops::softmax_rows(a.view_mut()),
    }
}

/// Draws a layer's initial weight as the lab does; see [`Mlp::with_rng`].
pub fn initial_weight<F: Float>(
    inputs: usize,
    outputs: usize,
    activation: Activation,
    rng: &mut MersenneTwister,
) -> Array2<F> {
    let bound = (6.0 / (inputs + outputs) as f64).sqrt();
    let scale = activation.init_scale();
    Array2::from_shape_simple_fn((outputs, inputs), || {
        F::from_f64(rng.uniform(-bound, bound) * scale)
    })
}

/// Checks that a geometry and activation list form a network that the
/// runtime can train: see [`Mlp::with_rng`] for the rules.
///
/// # Errors
///
/// Returns [`Error::InvalidNetwork`] naming the rule broken.
pub fn check_geometry(geometry: &[usize], activations: &[Activation]) -> Result<()> {
    let invalid = |message: String| Err(Error::InvalidNetwork(message));
    if geometry.len() < 2 {
        return invalid(format!(
            "a geometry needs the input width and at least one layer width, got {geometry:?}"
        ));
    }
    if let Some(position) = geometry.iter().position(|&width| width == 0) {
        return invalid(format!("width {position} of geometry {geometry:?} is 0"));
    }
    let layers = geometry.len() - 1;
    if activations.len() != layers {
        return invalid(format!(
            "geometry {geometry:?} has {layers} layers but {} activations were given",
            activations.len()
        ));
    }
    if let Some(position) = activations[..layers - 1]
        .iter()
        .position(|&activation| activation == Activation::Softmax)
    {
        return invalid(format!(
            "hidden layer {} is softmax; softmax is only for the output layer \
             (use sigmoid, tanh, relu or identity)",
            position + 1
        ));
    }
    if activations[layers - 1] != Activation::Softmax {
        return invalid(format!(
            "the output layer is {}, but the runtime MLP trains a softmax output on the \
             cross-entropy",
            activations[layers - 1]
        ));
    }
    if geometry[layers] < 2 {
        return invalid("a softmax output needs at least 2 classes".to_owned());
    }
    Ok(())
}
