//! The network's graph as text, in the style of Theano's `debugprint`: one
//! node per line, each child indented under its parent, with the names and
//! shapes of the variables.

use proc_macro2::TokenStream;
use quote::quote;

use super::int;
use crate::validate::{Cost, Input, Network};

/// A node of the graph: its line of text and its operands.
struct Node {
    label: String,
    children: Vec<Node>,
}

impl Node {
    fn leaf(label: String) -> Self {
        Node {
            label,
            children: Vec::new(),
        }
    }

    fn new(label: String, children: Vec<Node>) -> Self {
        Node { label, children }
    }

    fn render(&self) -> String {
        let mut text = self.label.clone();
        self.render_children("", &mut text);
        text
    }

    /// Writes each child on its own line, after `indent` and a `|`. Lines
    /// below a child that has a next sibling keep a `|` in that column.
    fn render_children(&self, indent: &str, text: &mut String) {
        let count = self.children.len();
        for (position, child) in self.children.iter().enumerate() {
            text.push_str(&format!("\n{indent} |{}", child.label));
            let continuation = match position + 1 == count {
                true => "  ",
                false => " |",
            };
            child.render_children(&format!("{indent}{continuation}"), text);
        }
    }
}

/// Returns the name of the input width in shapes: its value, or `input`.
fn input_dimension(network: &Network) -> String {
    match network.input {
        Input::Dynamic => "input".to_owned(),
        Input::Fixed(width) => width.to_string(),
    }
}

/// Returns the name of the inputs of layer `number` in shapes.
fn inputs_dimension(network: &Network, number: usize) -> String {
    match number {
        1 => input_dimension(network),
        _ => network.layers[number - 2].width.to_string(),
    }
}

/// Returns the logits of layer `number`, `z = input·Wᵀ + b`, over `input`.
fn logits(network: &Network, number: usize, input: Node) -> Node {
    let width = network.layers[number - 1].width;
    let inputs = inputs_dimension(network, number);
    Node::new(
        format!("add 'z{number}'"),
        vec![
            Node::new(
                "dot".to_owned(),
                vec![input, Node::leaf(format!("W{number}ᵀ [{inputs}, {width}]"))],
            ),
            Node::leaf(format!("b{number} [{width}]")),
        ],
    )
}

/// Layer `number` over `input`: its activation applied to its logits.
fn layer(network: &Network, number: usize, input: Node) -> Node {
    let layer = &network.layers[number - 1];
    Node::new(
        format!(
            "{} 'a{number}' [batch, {}]",
            layer.activation.name(),
            layer.width
        ),
        vec![logits(network, number, input)],
    )
}

/// Returns the input of layer `number` as a leaf: `x` or the layer below's output.
fn input_leaf(network: &Network, number: usize) -> Node {
    match number {
        1 => Node::leaf(format!("x [batch, {}]", input_dimension(network))),
        _ => Node::leaf(format!(
            "a{} [batch, {}]",
            number - 1,
            network.layers[number - 2].width
        )),
    }
}

/// Returns the hidden layers stacked on the input, ending with the input of the
/// output layer.
fn hidden(network: &Network) -> Node {
    let mut node = input_leaf(network, 1);
    for number in 1..network.layers.len() {
        node = layer(network, number, node);
    }
    node
}

fn forward(network: &Network) -> Node {
    let last = network.layers.len();
    let output = layer(network, last, hidden(network));
    match network.cost {
        Cost::BinaryCrossEntropy => Node::new(
            "binary_probabilities 'p' [batch, 2]".to_owned(),
            vec![output],
        ),
        Cost::CrossEntropy | Cost::SquaredError => output,
    }
}

fn cost(network: &Network) -> Node {
    let last = network.layers.len();
    let labels = Node::leaf("y [batch]".to_owned());
    let per_example = match network.cost {
        Cost::CrossEntropy => Node::new(
            "softmax_cross_entropy [batch]".to_owned(),
            vec![logits(network, last, hidden(network)), labels],
        ),
        Cost::BinaryCrossEntropy => Node::new(
            "sigmoid_binary_cross_entropy [batch]".to_owned(),
            vec![logits(network, last, hidden(network)), labels],
        ),
        Cost::SquaredError => Node::new(
            "half_squared_error [batch]".to_owned(),
            vec![
                layer(network, last, hidden(network)),
                Node::new(
                    format!("one_hot [batch, {}]", network.output_width()),
                    vec![labels],
                ),
            ],
        ),
    };
    Node::new("mean 'cost' []".to_owned(), vec![per_example])
}

fn text_block(graph: &str) -> String {
    format!("```text\n{graph}\n```")
}

pub fn constants(network: &Network) -> TokenStream {
    let forward = forward(network).render();
    let cost = cost(network).render();
    let layers: Vec<String> = (1..=network.layers.len())
        .map(|number| layer(network, number, input_leaf(network, number)).render())
        .collect();
    let layer_count = int(network.layers.len());
    let names = network.layers.iter().map(|layer| layer.name.to_string());
    let widths = network.layers.iter().map(|layer| int(layer.width));
    let forward_doc = format!(
        "The graph of [`Self::forward`], one node per line with its operands indented below \
         it, as Theano's `debugprint` prints one:\n\n{}",
        text_block(&forward)
    );
    let cost_note = match network.cost {
        Cost::CrossEntropy => {
            "The cost is computed from the logits with a max-shifted log-sum-exp, so the softmax \
             does not appear in it."
        }
        Cost::BinaryCrossEntropy => {
            "The cost is computed from the logit as softplus(z) − y·z, so the sigmoid does not \
             appear in it."
        }
        Cost::SquaredError => "The labels are turned into one-hot target vectors.",
    };
    let cost_doc = format!(
        "The graph of [`Self::cost`]. {cost_note}\n\n{}",
        text_block(&cost)
    );
    let layer_docs = layers
        .iter()
        .zip(&network.layers)
        .map(|(graph, layer)| format!("Layer `{}`:\n\n{}", layer.name, text_block(graph)))
        .collect::<Vec<_>>()
        .join("\n\n");
    let layers_doc =
        format!("The graph of each layer alone, over its input, input side first.\n\n{layer_docs}");
    quote! {
        /// The name of each layer, input side first.
        pub const LAYER_NAMES: [&'static str; #layer_count] = [#(#names),*];

        /// The width of each layer, input side first.
        pub const LAYER_WIDTHS: [usize; #layer_count] = [#(#widths),*];

        #[doc = #forward_doc]
        pub const FORWARD_GRAPH: &'static str = #forward;

        #[doc = #cost_doc]
        pub const COST_GRAPH: &'static str = #cost;

        #[doc = #layers_doc]
        pub const LAYER_GRAPHS: [&'static str; #layer_count] = [#(#layers),*];
    }
}
