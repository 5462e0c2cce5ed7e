//! The fused training step: forward pass, backpropagation and the SGD
//! update in one pass over the batch, in buffers kept between calls.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::backward::delta_below;
use super::forward::{cost, output_delta, pass};
use super::{bias, delta, int, layer_input, output, parameter_names, weight};
use crate::validate::Network;

pub fn method(network: &Network) -> TokenStream {
    let receiver = quote!(self);
    let last = network.layers.len();
    let buffers: Vec<_> = (1..=last)
        .map(|number| format_ident!("output_buffer{}", number))
        .collect();
    let delta_buffers: Vec<_> = (1..last)
        .map(|number| format_ident!("delta_buffer{}", number))
        .collect();
    let deltas = match delta_buffers.is_empty() {
        true => TokenStream::new(),
        false => quote!(let [#(#delta_buffers,)* _] = &mut self.workspace.deltas;),
    };
    let forward = pass(network, &receiver, |number, width| {
        let buffer = &buffers[number - 1];
        let width = int(width);
        quote!(__mlp::kernels::matrix_mut(#buffer, rows, #width))
    });
    let (logits, output_delta_name) = (output(last), delta(last));
    let cost = cost(network, &logits);
    let output_delta = output_delta(network, &logits);

    let mut layers = Vec::new();
    let mut checks = Vec::new();
    for number in (1..=last).rev() {
        let below = match number {
            1 => TokenStream::new(),
            _ => {
                let buffer = &delta_buffers[number - 2];
                let width = int(network.layers[number - 2].width);
                let allocate = quote!(__mlp::kernels::matrix_mut(#buffer, rows, #width));
                delta_below(network, number, &receiver, allocate)
            }
        };
        let (w, b, e) = (weight(number), bias(number), delta(number));
        let (finite_w, finite_b) = (
            format_ident!("finite_w{}", number),
            format_ident!("finite_b{}", number),
        );
        let width = int(network.layers[number - 1].width);
        let input = layer_input(number);
        // The delta of the layer below is computed first, because it
        // needs this layer's weight before the update.
        layers.push(quote! {
            #below
            let #finite_w = __mlp::kernels::update_weight::<F, #width>(
                self.#w.view_mut(),
                #e.view(),
                #input,
                learning_rate,
                sparse,
            );
            let #finite_b =
                __mlp::kernels::update_bias::<F, #width>(
                    self.#b.view_mut(),
                    #e.view(),
                    learning_rate,
                );
        });
        let (w_name, b_name) = parameter_names(number);
        checks.push(quote! {
            __mlp::kernels::check_finite(#finite_w, #w_name)?;
            __mlp::kernels::check_finite(#finite_b, #b_name)?;
        });
    }
    checks.reverse();

    quote! {
        /// Runs one SGD step on a minibatch, `parameter −= learning_rate ·
        /// gradient` for every parameter, and returns the batch's cost
        /// before the update.
        ///
        /// The forward pass, backpropagation and the update run in one pass
        /// over the batch, in buffers that the network keeps: after its
        /// first call, a call on a batch no larger than before allocates
        /// nothing. A sparse batch updates only the first layer's weight
        /// columns of the features it stores, which is exact because every
        /// other column's gradient is 0. The result has the same bits as
        /// [`Self::grads`] followed by the update. An empty batch changes
        /// nothing and costs 0.
        ///
        /// # Errors
        ///
        /// Returns `mlp::Error::InputWidth`, `mlp::Error::LabelCount`,
        /// `mlp::Error::LabelOutOfRange` or `mlp::Error::ParameterShape`
        /// before any parameter changes. Returns `mlp::Error::NonFinite`,
        /// naming the first parameter, when an updated value is NaN or
        /// infinite; the update is not undone.
        pub fn train_step<'x>(
            &mut self,
            x: impl Into<__mlp::Inputs<'x, F>>,
            y: &[usize],
            learning_rate: F,
        ) -> __mlp::Result<F> {
            let x = x.into();
            check_batch(self, &x, Some(y))?;
            let rows = x.rows();
            if rows == 0 {
                return Ok(F::zero());
            }
            let [#(#buffers),*] = &mut self.workspace.outputs;
            #deltas
            let sparse = &mut self.workspace.sparse;

            #forward
            let cost = #cost;
            #output_delta
            let #output_delta_name = #logits;
            #(#layers)*
            #(#checks)*
            Ok(cost)
        }
    }
}
