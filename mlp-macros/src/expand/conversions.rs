//! Conversions to and from the runtime `mlp::Mlp`.

use proc_macro2::TokenStream;
use quote::quote;

use super::structure::{runtime_activations, summary};
use super::{bias, int, weight};
use crate::validate::{Cost, Input, Network};

pub fn methods(network: &Network) -> TokenStream {
    let name = &network.name;
    let layer_count = network.layers.len();
    let widths = network.layers.iter().map(|layer| int(layer.width));
    let activations = runtime_activations(network);
    let (input_width, input_field) = match network.input {
        Input::Dynamic => (quote!(geometry[0]), quote!(input_width: geometry[0],)),
        Input::Fixed(width) => {
            let width = int(width);
            (quote!(#width), TokenStream::new())
        }
    };
    let fields = (1..=layer_count).map(|number| {
        let (w, b) = (weight(number), bias(number));
        let index = number - 1;
        quote! {
            #w: __mlp::kernels::to_column_major(layers[#index].weight().to_owned()),
            #b: layers[#index].bias().to_owned(),
        }
    });
    let layers = (1..=layer_count).map(|number| {
        let (w, b) = (weight(number), bias(number));
        let index = number - 1;
        quote! {
            __mlp::Layer::new(
                self.#w.as_standard_layout().into_owned(),
                self.#b.clone(),
                ACTIVATIONS[#index],
            )?,
        }
    });
    let declaration = summary(network);
    let note = match network.cost {
        Cost::CrossEntropy => "",
        Cost::BinaryCrossEntropy | Cost::SquaredError => {
            " This network's output is not a softmax, so this always returns that error: a runtime \
             `mlp::Mlp` always has a softmax output trained on the cross-entropy."
        }
    };
    let from_doc = format!(
        "Creates the network from the weights of a runtime `mlp::Mlp` of the same geometry and \
         activations.\n\n# Errors\n\nReturns `mlp::Error::InvalidNetwork` when the geometry or \
         an activation differs.{note}"
    );
    let to_doc = format!(
        "Returns a runtime `mlp::Mlp` with a copy of this network's weights.\n\n# Errors\n\n\
         Returns `mlp::Error::ParameterShape` when a parameter field was given an array of \
         another shape, and `mlp::Error::InvalidNetwork` when the runtime MLP cannot represent \
         the network.{note}"
    );
    quote! {
        #[doc = #from_doc]
        pub fn from_mlp(mlp: &__mlp::Mlp<F>) -> __mlp::Result<Self> {
            const ACTIVATIONS: [__mlp::Activation; #layer_count] = #activations;
            let geometry = mlp.geometry();
            let expected = [#input_width, #(#widths),*];
            if geometry[..] != expected[..] || mlp.activations()[..] != ACTIVATIONS[..] {
                return Err(__mlp::Error::InvalidNetwork(::std::format!(
                    "the runtime MLP has geometry {:?} and activations {:?}, but `{}` is `{}`",
                    geometry,
                    mlp.activations(),
                    ::core::stringify!(#name),
                    #declaration,
                )));
            }
            let layers = mlp.layers();
            Ok(Self {
                #(#fields)*
                #input_field
                workspace: ::core::default::Default::default(),
            })
        }

        #[doc = #to_doc]
        pub fn to_mlp(&self) -> __mlp::Result<__mlp::Mlp<F>> {
            const ACTIVATIONS: [__mlp::Activation; #layer_count] = #activations;
            check_parameters(self)?;
            __mlp::Mlp::from_layers(::std::vec![#(#layers)*])
        }
    }
}

pub fn impls(network: &Network) -> TokenStream {
    let name = &network.name;
    quote! {
        impl<F: __mlp::Float> ::core::convert::TryFrom<&__mlp::Mlp<F>> for #name<F> {
            type Error = __mlp::Error;

            fn try_from(mlp: &__mlp::Mlp<F>) -> __mlp::Result<Self> {
                #name::from_mlp(mlp)
            }
        }

        impl<F: __mlp::Float> ::core::convert::TryFrom<&#name<F>> for __mlp::Mlp<F> {
            type Error = __mlp::Error;

            fn try_from(network: &#name<F>) -> __mlp::Result<Self> {
                network.to_mlp()
            }
        }
    }
}
