//! The network struct, its gradients struct, the constructors and the
//! checks every method starts with.

use proc_macro2::TokenStream;
use quote::quote;

use super::{
    bias, classes, gradients_name, input_width, int, layer_inputs, parameter_names, weight,
};
use crate::validate::{Activation, Input, Network};

/// Returns the text of a layer's weight shape, such as `20 × 13989`.
fn weight_shape(network: &Network, number: usize) -> String {
    let inputs = match number {
        1 => match network.input {
            Input::Dynamic => "the input width".to_owned(),
            Input::Fixed(width) => width.to_string(),
        },
        _ => network.layers[number - 2].width.to_string(),
    };
    format!("{} × {inputs}", network.layers[number - 1].width)
}

/// Returns the declaration as one line, such as `input: dynamic, hidden:
/// sigmoid(20), output: softmax(2), cost: cross_entropy`.
pub fn summary(network: &Network) -> String {
    let input = match network.input {
        Input::Dynamic => "dynamic".to_owned(),
        Input::Fixed(width) => width.to_string(),
    };
    let layers: Vec<String> = network
        .layers
        .iter()
        .map(|layer| {
            format!(
                "{}: {}({})",
                layer.name,
                layer.activation.name(),
                layer.width
            )
        })
        .collect();
    format!(
        "input: {input}, {}, cost: {}",
        layers.join(", "),
        network.cost.name()
    )
}

pub fn definitions(network: &Network) -> TokenStream {
    let name = &network.name;
    let vis = &network.vis;
    let attrs = &network.attrs;
    let gradients = gradients_name(network);
    let layer_count = int(network.layers.len());

    let mut fields = Vec::new();
    let mut gradient_fields = Vec::new();
    for (index, layer) in network.layers.iter().enumerate() {
        let number = index + 1;
        let (w, b) = (weight(number), bias(number));
        let (w_name, b_name) = parameter_names(number);
        let shape = weight_shape(network, number);
        let layer_name = &layer.name;
        let w_doc = format!(
            "Weight `{w_name}` of layer `{layer_name}`, {shape} (outputs × inputs), stored in \
             column-major order by the constructors."
        );
        let b_doc = format!(
            "Bias `{b_name}` of layer `{layer_name}`, {} entries.",
            layer.width
        );
        fields.push(quote! {
            #[doc = #w_doc]
            pub #w: ::mlp::__private::ndarray::Array2<F>,
            #[doc = #b_doc]
            pub #b: ::mlp::__private::ndarray::Array1<F>,
        });
        let w_doc = format!("Gradient of the cost with respect to `{w_name}`, {shape}.");
        let b_doc = format!(
            "Gradient of the cost with respect to `{b_name}`, {} entries.",
            layer.width
        );
        gradient_fields.push(quote! {
            #[doc = #w_doc]
            pub #w: ::mlp::__private::ndarray::Array2<F>,
            #[doc = #b_doc]
            pub #b: ::mlp::__private::ndarray::Array1<F>,
        });
    }
    let input_field = match network.input {
        Input::Dynamic => quote!(input_width: usize,),
        Input::Fixed(_) => TokenStream::new(),
    };

    let documented = attrs.iter().any(|attr| attr.path().is_ident("doc"));
    let summary_doc = format!(
        "A network declared with `mlp::network!`: `{}`.",
        summary(network)
    );
    let separator = documented.then(|| quote!(#[doc = ""]));
    let gradients_doc = format!(
        "The gradient of the cost of [`{name}`] with respect to each of its parameters, as \
         `{name}::grads` returns it."
    );
    quote! {
        #(#attrs)*
        #separator
        #[doc = #summary_doc]
        #[doc = ""]
        #[doc = "Generic over the float type `F`, `f32` unless given."]
        #vis struct #name<F: ::mlp::__private::Float = f32> {
            #(#fields)*
            #input_field
            workspace: ::mlp::__private::kernels::Workspace<F, #layer_count>,
        }

        #[doc = #gradients_doc]
        #[derive(Debug, Clone, PartialEq)]
        #vis struct #gradients<F: ::mlp::__private::Float = f32> {
            #(#gradient_fields)*
        }
    }
}

fn runtime_activation(activation: Activation) -> TokenStream {
    let variant = match activation {
        Activation::Sigmoid => quote!(Sigmoid),
        Activation::Tanh => quote!(Tanh),
        Activation::Relu => quote!(Relu),
        Activation::Identity => quote!(Identity),
        Activation::Softmax => quote!(Softmax),
    };
    quote!(__mlp::Activation::#variant)
}

/// Returns the runtime activation of each layer, as an array expression.
pub fn runtime_activations(network: &Network) -> TokenStream {
    let activations = network
        .layers
        .iter()
        .map(|layer| runtime_activation(layer.activation));
    quote!([#(#activations),*])
}

pub fn constructors(network: &Network) -> TokenStream {
    let receiver = quote!(self);
    let mut draws = Vec::new();
    let mut fields = Vec::new();
    for (index, layer) in network.layers.iter().enumerate() {
        let number = index + 1;
        let (w, b) = (weight(number), bias(number));
        let inputs = match (number, network.input) {
            (1, Input::Dynamic) => quote!(input_width),
            _ => layer_inputs(network, number, &receiver),
        };
        let outputs = int(layer.width);
        let activation = runtime_activation(layer.activation);
        draws.push(quote! {
            let #w = __mlp::kernels::to_column_major(
                __mlp::initial_weight::<F>(#inputs, #outputs, #activation, rng),
            );
        });
        fields.push(quote!(#w, #b: __mlp::kernels::zeros_vector(#outputs),));
    }

    let init_doc = "Each weight is uniform in ±sqrt(6 / (inputs + outputs)), times 4 for sigmoid \
                    and softmax layers, and each bias is 0, as in the runtime `mlp::Mlp`. The \
                    layers are drawn in order, each in row-major order, so a network and an \
                    `mlp::Mlp` of the same geometry built from the same generator state hold the \
                    same weights, bit for bit.";
    let name = &network.name;
    let classes = int(classes(network));
    let input_width = input_width(network, &receiver);
    let accessors = quote! {
        /// Returns the number of features each example must have.
        pub fn input_width(&self) -> usize {
            #input_width
        }

        /// Returns the number of classes, the width of each row of
        /// [`Self::forward`].
        pub fn classes(&self) -> usize {
            #classes
        }
    };
    match network.input {
        Input::Dynamic => quote! {
            /// Creates the network for examples of `input_width` features,
            /// drawing its weights from NumPy's `RandomState(seed)` stream;
            /// see [`Self::with_rng`].
            ///
            /// # Errors
            ///
            /// Returns `mlp::Error::InvalidNetwork` when `input_width` is 0.
            pub fn new(input_width: usize, seed: u32) -> __mlp::Result<Self> {
                Self::with_rng(input_width, &mut __mlp::MersenneTwister::new(seed))
            }

            /// Creates the network for examples of `input_width` features,
            /// drawing its weights from `rng`.
            ///
            #[doc = #init_doc]
            ///
            /// # Errors
            ///
            /// Returns `mlp::Error::InvalidNetwork` when `input_width` is 0.
            pub fn with_rng(
                input_width: usize,
                rng: &mut __mlp::MersenneTwister,
            ) -> __mlp::Result<Self> {
                if input_width == 0 {
                    return Err(__mlp::Error::InvalidNetwork(::std::format!(
                        "the input width of `{}` must be at least 1",
                        ::core::stringify!(#name),
                    )));
                }
                #(#draws)*
                Ok(Self {
                    #(#fields)*
                    input_width,
                    workspace: ::core::default::Default::default(),
                })
            }

            #accessors
        },
        Input::Fixed(_) => quote! {
            /// Creates the network, drawing its weights from NumPy's
            /// `RandomState(seed)` stream; see [`Self::with_rng`].
            pub fn new(seed: u32) -> Self {
                Self::with_rng(&mut __mlp::MersenneTwister::new(seed))
            }

            /// Creates the network, drawing its weights from `rng`.
            ///
            #[doc = #init_doc]
            pub fn with_rng(rng: &mut __mlp::MersenneTwister) -> Self {
                #(#draws)*
                Self {
                    #(#fields)*
                    workspace: ::core::default::Default::default(),
                }
            }

            #accessors
        },
    }
}

/// Returns the free functions that check the parameters and a batch.
pub fn helpers(network: &Network) -> TokenStream {
    let name = &network.name;
    let receiver = quote!(net);
    let mut checks = Vec::new();
    for (index, layer) in network.layers.iter().enumerate() {
        let number = index + 1;
        let (w, b) = (weight(number), bias(number));
        let (w_name, b_name) = parameter_names(number);
        let outputs = int(layer.width);
        let inputs = layer_inputs(network, number, &receiver);
        checks.push(quote! {
            __mlp::kernels::check_shape(#w_name, net.#w.shape(), &[#outputs, #inputs])?;
            __mlp::kernels::check_shape(#b_name, net.#b.shape(), &[#outputs])?;
        });
    }
    let input_width = input_width(network, &receiver);
    let classes = int(classes(network));
    quote! {
        /// Checks that every public parameter field still has its shape.
        fn check_parameters<F: __mlp::Float>(net: &#name<F>) -> __mlp::Result<()> {
            #(#checks)*
            Ok(())
        }

        /// Checks the parameters, then the batch's width and labels.
        fn check_batch<F: __mlp::Float>(
            net: &#name<F>,
            x: &__mlp::Inputs<'_, F>,
            y: Option<&[usize]>,
        ) -> __mlp::Result<()> {
            check_parameters(net)?;
            __mlp::check_batch(x, y, #input_width, #classes)
        }
    }
}
