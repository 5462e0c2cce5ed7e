//! The forward pass: class probabilities, the cost, and each layer alone.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{activate, bias, input_width, int, layer_input, output, weight};
use crate::validate::{Cost, Input, Network};

/// Returns the statements of the forward pass, one block per layer, leaving the
/// output layer's logits in its output variable. `allocate` gives the
/// expression of a layer's output matrix from its number and width, and
/// `receiver` is the expression of the network.
pub fn pass(
    network: &Network,
    receiver: &TokenStream,
    allocate: impl Fn(usize, usize) -> TokenStream,
) -> TokenStream {
    let last = network.layers.len();
    let layers = network.layers.iter().enumerate().map(|(index, layer)| {
        let number = index + 1;
        let (a, w, b) = (output(number), weight(number), bias(number));
        let width = int(layer.width);
        let matrix = allocate(number, layer.width);
        let input = layer_input(number);
        let activation = match number == last {
            true => TokenStream::new(),
            false => activate(layer.activation, &a),
        };
        quote! {
            let mut #a = #matrix;
            __mlp::kernels::linear::<F, #width>(
                #input,
                #receiver.#w.view(),
                #receiver.#b.view(),
                #a.view_mut(),
            );
            #activation
        }
    });
    quote!(#(#layers)*)
}

/// Returns the expression of the batch's mean cost, computed from the output
/// layer's logits in `logits`.
pub fn cost(network: &Network, logits: &Ident) -> TokenStream {
    match network.cost {
        Cost::CrossEntropy => quote!(__mlp::ops::cross_entropy(#logits.view(), y)),
        Cost::BinaryCrossEntropy => {
            quote!(__mlp::kernels::binary_cross_entropy(#logits.view(), y))
        }
        Cost::SquaredError => quote!(__mlp::kernels::squared_error(#logits.view(), y)),
    }
}

/// Returns the statements that turn the output layer's logits in `logits` into its
/// delta: softmax and cross-entropy fused into (p − onehot(y)) / rows, and
/// likewise for the other costs.
pub fn output_delta(network: &Network, logits: &Ident) -> TokenStream {
    match network.cost {
        Cost::CrossEntropy => quote! {
            __mlp::kernels::softmax(#logits.view_mut());
            __mlp::ops::softmax_cross_entropy_delta(#logits.view_mut(), y);
        },
        Cost::BinaryCrossEntropy => {
            quote!(__mlp::kernels::binary_cross_entropy_delta(#logits.view_mut(), y);)
        }
        Cost::SquaredError => quote!(__mlp::kernels::squared_error_delta(#logits.view_mut(), y);),
    }
}

pub fn helpers(network: &Network) -> TokenStream {
    let name = &network.name;
    let receiver = quote!(net);
    let pass = pass(network, &receiver, |_, width| {
        let width = int(width);
        quote!(__mlp::kernels::zeros(x.rows(), #width))
    });
    let logits = output(network.layers.len());
    quote! {
        /// Returns the output layer's logits, for a checked batch.
        fn compute_logits<F: __mlp::Float>(
            net: &#name<F>,
            x: __mlp::Inputs<'_, F>,
        ) -> __mlp::ndarray::Array2<F> {
            #pass
            #logits
        }
    }
}

/// Returns the text of the input a batch must have, for documentation.
fn input_text(network: &Network) -> String {
    match network.input {
        Input::Dynamic => "`self.input_width()` features".to_owned(),
        Input::Fixed(width) => format!("{width} features"),
    }
}

pub fn methods(network: &Network) -> TokenStream {
    let width_errors = "Returns `mlp::Error::InputWidth` for a batch of the wrong width, and \
                        `mlp::Error::ParameterShape` when a parameter field was given an array of \
                        another shape.";
    let label_errors = "Returns `mlp::Error::InputWidth`, `mlp::Error::LabelCount` or \
                        `mlp::Error::LabelOutOfRange` for a batch that does not fit, and \
                        `mlp::Error::ParameterShape` when a parameter field was given an array of \
                        another shape.";
    let classes = super::classes(network);
    let input = input_text(network);
    let (forward_doc, probabilities, log_probabilities) = match network.cost {
        Cost::CrossEntropy => (
            format!(
                "Returns the class probabilities of each example, rows × {classes}: \
                 the softmax of the logits."
            ),
            quote! {
                let mut output = logits;
                __mlp::kernels::softmax(output.view_mut());
            },
            quote!(__mlp::ops::log_softmax_rows(logits.view())),
        ),
        Cost::BinaryCrossEntropy => (
            "Returns the probabilities [1 − p, p] of classes 0 and 1 for each example, \
             rows × 2, where p is the output unit's sigmoid."
                .to_owned(),
            quote!(let output = __mlp::kernels::binary_probabilities(logits.view());),
            quote!(__mlp::kernels::binary_log_probabilities(logits.view())),
        ),
        Cost::SquaredError => (
            format!(
                "Returns the outputs of the identity output layer, rows × {classes}. They are \
                 trained towards the one-hot vector of each label, so the largest is the \
                 predicted class, but they are not probabilities."
            ),
            quote!(let output = logits;),
            quote!(__mlp::ops::log_softmax_rows(logits.view())),
        ),
    };
    let log_doc = match network.cost {
        Cost::SquaredError => {
            "Returns the log-softmax of the outputs of [`Self::forward`]. The \
                               outputs are not probabilities, so this only gives them the form \
                               that accuracy and log-probability metrics read; its arg-max is the \
                               outputs' arg-max."
        }
        Cost::CrossEntropy | Cost::BinaryCrossEntropy => {
            "Returns the log-probability of each class for each example, computed from the logits \
             without taking the logarithm of a probability that underflowed."
        }
    };
    let cost_doc = match network.cost {
        Cost::CrossEntropy => {
            "Returns the mean cross-entropy −log p(y | x) over the batch, from the \
                               logits with a max-shifted log-sum-exp. An empty batch costs 0."
        }
        Cost::BinaryCrossEntropy => {
            "Returns the mean binary cross-entropy −[y log p + (1 − y) \
                                     log(1 − p)] over the batch, computed from the logit without \
                                     overflow. Labels are 0 or 1. An empty batch costs 0."
        }
        Cost::SquaredError => {
            "Returns the mean over the batch of ½‖o − t‖², where o is an \
                               example's output and t the one-hot vector of its label. An empty \
                               batch costs 0."
        }
    };
    let logits_name = output(network.layers.len());
    let cost = cost(network, &logits_name);
    let layer_methods = layer_methods(network, width_errors);
    let batch_doc = format!("Each row of `x` is an example of {input}, dense or sparse.");
    quote! {
        #[doc = #forward_doc]
        ///
        #[doc = #batch_doc]
        ///
        /// # Errors
        ///
        #[doc = #width_errors]
        pub fn forward<'x>(
            &self,
            x: impl Into<__mlp::Inputs<'x, F>>,
        ) -> __mlp::Result<__mlp::ndarray::Array2<F>> {
            let x = x.into();
            check_batch(self, &x, None)?;
            let logits = compute_logits(self, x);
            #probabilities
            Ok(output)
        }

        #[doc = #log_doc]
        ///
        /// # Errors
        ///
        #[doc = #width_errors]
        pub fn log_probabilities<'x>(
            &self,
            x: impl Into<__mlp::Inputs<'x, F>>,
        ) -> __mlp::Result<__mlp::ndarray::Array2<F>> {
            let x = x.into();
            check_batch(self, &x, None)?;
            let logits = compute_logits(self, x);
            Ok(#log_probabilities)
        }

        #[doc = #cost_doc]
        ///
        /// # Errors
        ///
        #[doc = #label_errors]
        pub fn cost<'x>(
            &self,
            x: impl Into<__mlp::Inputs<'x, F>>,
            y: &[usize],
        ) -> __mlp::Result<F> {
            let x = x.into();
            check_batch(self, &x, Some(y))?;
            let #logits_name = compute_logits(self, x);
            Ok(#cost)
        }

        #layer_methods
    }
}

/// One method per layer, named after it, that computes that layer alone.
fn layer_methods(network: &Network, width_errors: &str) -> TokenStream {
    let receiver = quote!(self);
    let methods = network.layers.iter().enumerate().map(|(index, layer)| {
        let number = index + 1;
        let method = &layer.name;
        let (w, b) = (weight(number), bias(number));
        let width = int(layer.width);
        let inputs = super::layer_inputs(network, number, &receiver);
        let a = output(number);
        let activation = activate(layer.activation, &a);
        let (inputs_text, source) = match number {
            1 => (input_text(network), "the network's input".to_owned()),
            _ => {
                let below = &network.layers[number - 2];
                (
                    format!("{} features", below.width),
                    format!("the output of layer `{}`", below.name),
                )
            }
        };
        let doc = format!(
            "Computes layer `{method}` alone, `{}(x·W{number}ᵀ + b{number})`, rows × {}, for a \
             batch `x` of {inputs_text}, such as {source}.",
            layer.activation.name(),
            layer.width
        );
        let input_width = match number {
            1 => input_width(network, &receiver),
            _ => inputs,
        };
        quote! {
            #[doc = #doc]
            ///
            /// # Errors
            ///
            #[doc = #width_errors]
            #[allow(non_snake_case)]
            pub fn #method<'x>(
                &self,
                x: impl Into<__mlp::Inputs<'x, F>>,
            ) -> __mlp::Result<__mlp::ndarray::Array2<F>> {
                let x = x.into();
                check_parameters(self)?;
                __mlp::check_batch(&x, None, #input_width, 0)?;
                let mut #a = __mlp::kernels::zeros(x.rows(), #width);
                __mlp::kernels::linear::<F, #width>(
                    x,
                    self.#w.view(),
                    self.#b.view(),
                    #a.view_mut(),
                );
                #activation
                Ok(#a)
            }
        }
    });
    quote!(#(#methods)*)
}
