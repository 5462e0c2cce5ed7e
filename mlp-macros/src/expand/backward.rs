//! Backpropagation: the cost and its gradient with respect to every
//! parameter.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::forward::{cost, output_delta, pass};
use super::{bias, delta, gradients_name, int, layer_input, layer_inputs, output, weight};
use crate::validate::{Activation, Network};

/// Returns the statement multiplying the delta `delta` of a layer by the derivative
/// of its activation, given the layer's output `output`.
pub fn derivative(activation: Activation, delta: &Ident, output: &Ident) -> TokenStream {
    let kernel = match activation {
        Activation::Sigmoid => quote!(sigmoid_derivative),
        Activation::Tanh => quote!(tanh_derivative),
        Activation::Relu => quote!(relu_derivative),
        // A softmax hidden layer is rejected, and the output layer's delta
        // comes from its cost.
        Activation::Identity | Activation::Softmax => return TokenStream::new(),
    };
    quote!(__mlp::kernels::#kernel(#delta.view_mut(), #output.view());)
}

/// Returns the statements that compute the delta of the layer below layer
/// `number`, into the matrix that `allocate` gives, from the weights read
/// through `receiver`.
pub fn delta_below(
    network: &Network,
    number: usize,
    receiver: &TokenStream,
    allocate: TokenStream,
) -> TokenStream {
    let below = &network.layers[number - 2];
    let (e, e_below, a_below) = (delta(number), delta(number - 1), output(number - 1));
    let w = weight(number);
    let width = int(network.layers[number - 1].width);
    let derivative = derivative(below.activation, &e_below, &a_below);
    quote! {
        let mut #e_below = #allocate;
        __mlp::kernels::backpropagate::<F, #width>(
            #e.view(),
            #receiver.#w.view(),
            #e_below.view_mut(),
        );
        #derivative
    }
}

pub fn helpers(network: &Network) -> TokenStream {
    let name = &network.name;
    let gradients = gradients_name(network);
    let receiver = quote!(net);
    let last = network.layers.len();
    let forward = pass(network, &receiver, |_, width| {
        let width = int(width);
        quote!(__mlp::kernels::zeros(x.rows(), #width))
    });
    let (logits, output_delta_name) = (output(last), delta(last));
    let cost = cost(network, &logits);
    let output_delta = output_delta(network, &logits);

    let mut layers = Vec::new();
    let mut fields = Vec::new();
    for number in (1..=last).rev() {
        let width = network.layers[number - 1].width;
        let below = match number {
            1 => TokenStream::new(),
            _ => {
                let below_width = int(network.layers[number - 2].width);
                let allocate = quote!(__mlp::kernels::zeros(x.rows(), #below_width));
                delta_below(network, number, &receiver, allocate)
            }
        };
        let e = delta(number);
        let (gw, gb) = (
            format_ident!("gradient_w{}", number),
            format_ident!("gradient_b{}", number),
        );
        let inputs = layer_inputs(network, number, &receiver);
        let input = layer_input(number);
        let width = int(width);
        layers.push(quote! {
            #below
            let mut #gw = __mlp::kernels::zeros_column_major(#width, #inputs);
            __mlp::kernels::weight_gradient::<F, #width>(#e.view(), #input, #gw.view_mut());
            let mut #gb = __mlp::kernels::zeros_vector(#width);
            __mlp::kernels::bias_gradient::<F, #width>(#e.view(), #gb.view_mut());
        });
        let (w, b) = (weight(number), bias(number));
        fields.push(quote!(#w: #gw, #b: #gb,));
    }
    fields.reverse();
    quote! {
        /// Returns the cost of a checked batch and its gradient with
        /// respect to every parameter, by backpropagation.
        fn cost_and_gradients<F: __mlp::Float>(
            net: &#name<F>,
            x: __mlp::Inputs<'_, F>,
            y: &[usize],
        ) -> (F, #gradients<F>) {
            #forward
            let cost = #cost;
            #output_delta
            let #output_delta_name = #logits;
            #(#layers)*
            (cost, #gradients { #(#fields)* })
        }
    }
}

pub fn methods(network: &Network) -> TokenStream {
    let gradients = gradients_name(network);
    let errors = "Returns `mlp::Error::InputWidth`, `mlp::Error::LabelCount` or \
                  `mlp::Error::LabelOutOfRange` for a batch that does not fit, and \
                  `mlp::Error::ParameterShape` when a parameter field was given an array of \
                  another shape.";
    quote! {
        /// Returns the gradient of the batch's cost with respect to every
        /// parameter, by backpropagation. An empty batch has zero
        /// gradients.
        ///
        /// # Errors
        ///
        #[doc = #errors]
        pub fn grads<'x>(
            &self,
            x: impl Into<__mlp::Inputs<'x, F>>,
            y: &[usize],
        ) -> __mlp::Result<#gradients<F>> {
            let x = x.into();
            check_batch(self, &x, Some(y))?;
            Ok(cost_and_gradients(self, x, y).1)
        }

        /// Returns the batch's cost, as [`Self::cost`] computes it, and its
        /// gradient with respect to every parameter.
        ///
        /// # Errors
        ///
        #[doc = #errors]
        pub fn cost_and_grads<'x>(
            &self,
            x: impl Into<__mlp::Inputs<'x, F>>,
            y: &[usize],
        ) -> __mlp::Result<(F, #gradients<F>)> {
            let x = x.into();
            check_batch(self, &x, Some(y))?;
            Ok(cost_and_gradients(self, x, y))
        }
    }
}
