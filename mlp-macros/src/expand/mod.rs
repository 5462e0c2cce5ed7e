//! Generates the items of a checked network, one file per capability.
//!
//! The struct and its gradients struct are generated in the caller's
//! module. Everything else sits inside `const _: () = { ... };`, where its
//! helper functions and imports cannot clash with the caller's names. The
//! code reaches the runtime through `::mlp::__private` alone.

mod backward;
mod conversions;
mod forward;
mod graph;
mod network_impl;
mod structure;
mod train_step;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::validate::{Activation, Cost, Input, Network};

pub fn network(network: &Network) -> TokenStream {
    let definitions = structure::definitions(network);
    let name = &network.name;
    let constants = graph::constants(network);
    let constructors = structure::constructors(network);
    let forward = forward::methods(network);
    let backward = backward::methods(network);
    let train_step = train_step::method(network);
    let conversions = conversions::methods(network);
    let helpers = [
        structure::helpers(network),
        forward::helpers(network),
        backward::helpers(network),
    ];
    let trait_impls = [network_impl::impls(network), conversions::impls(network)];
    quote! {
        #definitions

        const _: () = {
            use ::mlp::__private as __mlp;
            use ::core::option::Option::{self, None, Some};
            use ::core::result::Result::{Err, Ok};

            #[allow(dead_code)]
            impl<F: __mlp::Float> #name<F> {
                #constants
                #constructors
                #forward
                #backward
                #train_step
                #conversions
            }

            #(#helpers)*
            #(#trait_impls)*
        };
    }
}

/// Returns the generated name of a network's gradients struct.
pub fn gradients_name(network: &Network) -> Ident {
    format_ident!("{}Gradients", network.name)
}

/// Returns an unsuffixed integer literal, which takes the type its context needs.
pub fn int(value: usize) -> Literal {
    Literal::usize_unsuffixed(value)
}

/// Returns the field of the weight of layer `number`, counted from 1.
pub fn weight(number: usize) -> Ident {
    format_ident!("w{}", number)
}

/// Returns the field of the bias of layer `number`.
pub fn bias(number: usize) -> Ident {
    format_ident!("b{}", number)
}

/// Returns the variable of layer `number`'s output: its logits, then its
/// activation's output.
pub fn output(number: usize) -> Ident {
    format_ident!("a{}", number)
}

/// Returns the variable of layer `number`'s delta, the gradient of the cost with
/// respect to its logits.
pub fn delta(number: usize) -> Ident {
    format_ident!("e{}", number)
}

/// Returns the parameter names the runtime uses: `W1`, `b1`, `W2`, ...
pub fn parameter_names(number: usize) -> (String, String) {
    (format!("W{number}"), format!("b{number}"))
}

/// Returns the expression of the input width, read through `receiver`.
pub fn input_width(network: &Network, receiver: &TokenStream) -> TokenStream {
    match network.input {
        Input::Dynamic => quote!(#receiver.input_width),
        Input::Fixed(width) => {
            let width = int(width);
            quote!(#width)
        }
    }
}

/// Returns the expression of the number of inputs of layer `number`.
pub fn layer_inputs(network: &Network, number: usize, receiver: &TokenStream) -> TokenStream {
    match number {
        1 => input_width(network, receiver),
        _ => {
            let width = int(network.layers[number - 2].width);
            quote!(#width)
        }
    }
}

/// Returns the expression of the input batch of layer `number`: the network's
/// input `x`, or the output of the layer below.
pub fn layer_input(number: usize) -> TokenStream {
    match number {
        1 => quote!(x),
        _ => {
            let below = output(number - 1);
            quote!(__mlp::Inputs::Dense(#below.view()))
        }
    }
}

/// Returns the number of classes of the network.
pub fn classes(network: &Network) -> usize {
    match network.cost {
        Cost::BinaryCrossEntropy => 2,
        Cost::CrossEntropy | Cost::SquaredError => network.output_width(),
    }
}

/// Returns the statement applying `activation` in place to the matrix `variable`.
pub fn activate(activation: Activation, variable: &Ident) -> TokenStream {
    let kernel = match activation {
        Activation::Sigmoid => quote!(sigmoid),
        Activation::Tanh => quote!(tanh),
        Activation::Relu => quote!(relu),
        Activation::Softmax => quote!(softmax),
        Activation::Identity => return TokenStream::new(),
    };
    quote!(__mlp::kernels::#kernel(#variable.view_mut());)
}

impl Network {
    pub fn output_width(&self) -> usize {
        self.layers.last().map_or(1, |layer| layer.width)
    }
}
