//! The `mlp::Network` impl, through which the SGD trainer and the metrics
//! use a compiled network, and the `ParameterGradients` impl of its
//! gradients.

use proc_macro2::TokenStream;
use quote::quote;

use super::structure::runtime_activations;
use super::{bias, gradients_name, int, parameter_names, weight};
use crate::validate::{Cost, Network};

pub fn impls(network: &Network) -> TokenStream {
    let name = &network.name;
    let gradients = gradients_name(network);
    let widths = network.layers.iter().map(|layer| int(layer.width));
    let activations = runtime_activations(network);
    let cost = match network.cost {
        Cost::CrossEntropy => quote!(CrossEntropy),
        Cost::BinaryCrossEntropy => quote!(BinaryCrossEntropy),
        Cost::SquaredError => quote!(SquaredError),
    };

    let mut names = Vec::new();
    let mut views = Vec::new();
    let mut mutable_views = Vec::new();
    let mut gradient_views = Vec::new();
    let mut shape_checks = Vec::new();
    let mut updates = Vec::new();
    let mut finite_checks = Vec::new();
    for number in 1..=network.layers.len() {
        let (w, b) = (weight(number), bias(number));
        let (w_name, b_name) = parameter_names(number);
        names.extend([w_name.clone(), b_name.clone()]);
        for (field, name) in [(&w, &w_name), (&b, &b_name)] {
            views.push(quote!(#name => Some(self.#field.view().into_dyn()),));
            mutable_views.push(quote!(#name => Some(self.#field.view_mut().into_dyn()),));
            gradient_views.push(quote!(#name => Some(self.#field.view().into_dyn()),));
            let gradient_name = format!("{name} (gradient)");
            shape_checks.push(quote! {
                __mlp::kernels::check_shape(
                    #gradient_name,
                    gradients.#field.shape(),
                    self.#field.shape(),
                )?;
            });
            let finite = quote::format_ident!("finite_{}", field);
            updates.push(quote! {
                let #finite = __mlp::sgd_update(
                    self.#field.view_mut().into_dyn(),
                    gradients.#field.view().into_dyn(),
                    learning_rate,
                );
            });
            finite_checks.push(quote!(__mlp::kernels::check_finite(#finite, #name)?;));
        }
    }

    quote! {
        impl<F: __mlp::Float> __mlp::Network<F> for #name<F> {
            type Gradients = #gradients<F>;

            fn input_width(&self) -> usize {
                #name::input_width(self)
            }

            fn classes(&self) -> usize {
                #name::classes(self)
            }

            fn architecture(&self) -> __mlp::Architecture {
                __mlp::Architecture {
                    geometry: ::std::vec![#name::input_width(self), #(#widths),*],
                    activations: ::std::vec::Vec::from(#activations),
                    cost: __mlp::Cost::#cost,
                }
            }

            fn forward(
                &self,
                x: __mlp::Inputs<'_, F>,
            ) -> __mlp::Result<__mlp::ndarray::Array2<F>> {
                #name::forward(self, x)
            }

            fn log_probabilities(
                &self,
                x: __mlp::Inputs<'_, F>,
            ) -> __mlp::Result<__mlp::ndarray::Array2<F>> {
                #name::log_probabilities(self, x)
            }

            fn cost(&self, x: __mlp::Inputs<'_, F>, y: &[usize]) -> __mlp::Result<F> {
                #name::cost(self, x, y)
            }

            fn cost_and_gradients(
                &self,
                x: __mlp::Inputs<'_, F>,
                y: &[usize],
            ) -> __mlp::Result<(F, #gradients<F>)> {
                #name::cost_and_grads(self, x, y)
            }

            fn apply_gradients(
                &mut self,
                gradients: &#gradients<F>,
                learning_rate: F,
            ) -> __mlp::Result<()> {
                check_parameters(self)?;
                #(#shape_checks)*
                #(#updates)*
                #(#finite_checks)*
                Ok(())
            }

            fn train_step(
                &mut self,
                x: __mlp::Inputs<'_, F>,
                y: &[usize],
                learning_rate: F,
            ) -> __mlp::Result<F> {
                #name::train_step(self, x, y, learning_rate)
            }

            fn parameter_names(&self) -> ::std::vec::Vec<::std::string::String> {
                ::std::vec![#(::std::string::String::from(#names)),*]
            }

            fn parameter(
                &self,
                name: &str,
            ) -> Option<__mlp::ndarray::ArrayViewD<'_, F>> {
                match name {
                    #(#views)*
                    _ => None,
                }
            }

            fn parameter_mut(
                &mut self,
                name: &str,
            ) -> Option<__mlp::ndarray::ArrayViewMutD<'_, F>> {
                match name {
                    #(#mutable_views)*
                    _ => None,
                }
            }
        }

        impl<F: __mlp::Float> __mlp::ParameterGradients<F> for #gradients<F> {
            fn gradient(
                &self,
                name: &str,
            ) -> Option<__mlp::ndarray::ArrayViewD<'_, F>> {
                match name {
                    #(#gradient_views)*
                    _ => None,
                }
            }
        }
    }
}
