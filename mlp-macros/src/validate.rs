//! Checks a parsed declaration and turns it into the model that code is
//! generated from.
//!
//! Every mistake becomes one error spanned on its tokens, and checking
//! goes on after each, so that a declaration with three mistakes shows
//! three errors. A mistake in one entry is replaced by a stand-in value so
//! that `fallback` can still generate the network's items and the user sees
//! no follow-on errors.

use proc_macro2::Span;
use quote::format_ident;
use syn::{Attribute, Error, Ident, LitInt, Visibility};

use crate::parse::{Declaration, Entry, Value};

/// A checked network.
pub struct Network {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    pub input: Input,
    pub layers: Vec<Layer>,
    pub cost: Cost,
}

/// The width of the input.
#[derive(Clone, Copy, PartialEq)]
pub enum Input {
    /// Given to the constructor.
    Dynamic,
    /// Fixed in the declaration.
    Fixed(usize),
}

pub struct Layer {
    pub name: Ident,
    pub activation: Activation,
    pub width: usize,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
    Identity,
    Softmax,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Cost {
    CrossEntropy,
    BinaryCrossEntropy,
    SquaredError,
}

const ACTIVATIONS: [(&str, Activation); 5] = [
    ("sigmoid", Activation::Sigmoid),
    ("tanh", Activation::Tanh),
    ("relu", Activation::Relu),
    ("identity", Activation::Identity),
    ("softmax", Activation::Softmax),
];

const COSTS: [(&str, Cost); 3] = [
    ("cross_entropy", Cost::CrossEntropy),
    ("binary_cross_entropy", Cost::BinaryCrossEntropy),
    ("squared_error", Cost::SquaredError),
];

/// The names of the methods and constants that `network!` generates, which
/// a layer cannot take because each layer gets a method of its name.
const RESERVED: [&str; 24] = [
    "new",
    "with_rng",
    "input_width",
    "classes",
    "forward",
    "log_probabilities",
    "cost",
    "grads",
    "cost_and_grads",
    "train_step",
    "from_mlp",
    "to_mlp",
    "apply_gradients",
    "gradients",
    "cost_and_gradients",
    "parameter_names",
    "parameter",
    "parameter_mut",
    "clone",
    "fmt",
    "eq",
    "try_from",
    "into",
    "from",
];

impl Activation {
    pub fn name(self) -> &'static str {
        match self {
            Activation::Sigmoid => "sigmoid",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Identity => "identity",
            Activation::Softmax => "softmax",
        }
    }
}

impl Cost {
    pub fn name(self) -> &'static str {
        match self {
            Cost::CrossEntropy => "cross_entropy",
            Cost::BinaryCrossEntropy => "binary_cross_entropy",
            Cost::SquaredError => "squared_error",
        }
    }
}

/// The outcome of checking.
pub enum Checked {
    Valid(Network),
    /// The errors found, with what `fallback` can still generate.
    Invalid(Error, Recovered),
}

/// The part of an invalid declaration that code can still be generated
/// from.
pub enum Recovered {
    /// The network with a stand-in for each mistake.
    Network(Network),
    /// Only the header, when no layer was declared.
    Header {
        attrs: Vec<Attribute>,
        vis: Visibility,
        name: Ident,
    },
}

/// Collects errors in the order found and combines them into one.
#[derive(Default)]
struct Errors(Option<Error>);

impl Errors {
    fn push(&mut self, error: Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(Error::new(span, message));
    }

    /// Returns the outcome of a declaration with at least one error.
    fn finish(self, recovered: Recovered) -> Checked {
        match self.0 {
            Some(errors) => Checked::Invalid(errors, recovered),
            None => Checked::Invalid(
                Error::new(Span::call_site(), "invalid network declaration"),
                recovered,
            ),
        }
    }
}

pub fn check(declaration: Declaration) -> Checked {
    let mut errors = Errors::default();
    for error in declaration.errors {
        errors.push(error);
    }
    // Keys whose entry was already reported, so that the entry is not also
    // reported missing.
    let mut reported: Vec<String> = declaration
        .broken_keys
        .iter()
        .map(Ident::to_string)
        .collect();

    let mut input: Option<(Ident, Input)> = None;
    let mut cost: Option<(Ident, Span, Option<Cost>)> = None;
    let mut layers: Vec<Layer> = Vec::new();
    // Whether the output layer was replaced by a stand-in.
    let mut output_replaced = false;
    for Entry {
        key,
        value,
        trailing,
    } in declaration.entries
    {
        if let Some(trailing) = trailing {
            errors.push(Error::new_spanned(
                &trailing,
                format!(
                    "unexpected `{trailing}` after the value of `{key}`; \
                     separate entries with commas"
                ),
            ));
        }
        if key == "input" {
            let width = check_input(&value, &mut errors);
            match &input {
                Some((first, _)) => errors.push(duplicate(&key, first, "`input`")),
                None => input = Some((key, width)),
            }
        } else if key == "cost" {
            let kind = check_cost(&value, &mut errors);
            match &cost {
                Some((first, _, _)) => errors.push(duplicate(&key, first, "`cost`")),
                None => cost = Some((key, value.span(), kind)),
            }
        } else {
            match check_layer(&key, value, &mut errors) {
                Some((layer, exact)) => {
                    match layers.iter().find(|other| other.name == layer.name) {
                        Some(first) => errors.push(duplicate(
                            &layer.name,
                            &first.name,
                            &format!("layer name `{}`", layer.name),
                        )),
                        None => {
                            layers.push(layer);
                            output_replaced = !exact;
                        }
                    }
                }
                None => {
                    let key = key.to_string();
                    if let Some(suggestion) = closest(&key, ["input", "cost"]) {
                        reported.push(suggestion.to_owned());
                    }
                    reported.push(key);
                }
            }
        }
    }

    let name = declaration.name;
    let input = match input {
        Some((_, input)) => input,
        None => {
            if !reported.iter().any(|key| key == "input") {
                errors.at(
                    name.span(),
                    format!(
                        "missing `input` in network `{name}`: \
                         add `input: dynamic` or `input: WIDTH`"
                    ),
                );
            }
            Input::Dynamic
        }
    };
    check_hidden_layers(&mut layers, &mut errors);
    let Some(output) = layers.last_mut() else {
        let layer_reported = reported.iter().any(|key| key != "input" && key != "cost");
        if !layer_reported {
            errors.at(
                declaration.body,
                format!(
                    "network `{name}` has no layers: declare at least the output layer, such as \
                     `output: softmax(2)`"
                ),
            );
        }
        let header = Recovered::Header {
            attrs: declaration.attrs,
            vis: declaration.vis,
            name,
        };
        return errors.finish(header);
    };
    let declared_cost = match cost {
        Some((_, span, kind)) => Some((span, kind)),
        None if reported.iter().any(|key| key == "cost") => Some((name.span(), None)),
        None => None,
    };
    let cost = match output_replaced {
        true => fit_stand_in(declared_cost.and_then(|(_, kind)| kind), output),
        false => check_cost_fits(&name, declared_cost, output, &mut errors),
    };

    let network = Network {
        attrs: declaration.attrs,
        vis: declaration.vis,
        name,
        input,
        layers,
        cost,
    };
    match errors.0 {
        Some(errors) => Checked::Invalid(errors, Recovered::Network(network)),
        None => Checked::Valid(network),
    }
}

/// Makes a stand-in output layer fit the declared cost, or picks the cost
/// that fits it, without reporting anything: its own error was reported.
fn fit_stand_in(cost: Option<Cost>, output: &mut Layer) -> Cost {
    let cost = cost.unwrap_or(match output.activation {
        Activation::Softmax => Cost::CrossEntropy,
        Activation::Sigmoid => Cost::BinaryCrossEntropy,
        Activation::Identity | Activation::Tanh | Activation::Relu => Cost::SquaredError,
    });
    match cost {
        Cost::CrossEntropy => {
            output.activation = Activation::Softmax;
            output.width = output.width.max(2);
        }
        Cost::BinaryCrossEntropy => {
            output.activation = Activation::Sigmoid;
            output.width = 1;
        }
        Cost::SquaredError => output.activation = Activation::Identity,
    }
    cost
}

fn duplicate(key: &Ident, first: &Ident, what: &str) -> Error {
    let mut error = Error::new(key.span(), format!("duplicate {what}"));
    error.combine(Error::new(first.span(), format!("first {what} is here")));
    error
}

fn check_input(value: &Value, errors: &mut Errors) -> Input {
    match value {
        Value::Word(word) if word == "dynamic" => Input::Dynamic,
        Value::Integer(width) => match check_width(width, "input width", errors) {
            Some(width) => Input::Fixed(width),
            None => Input::Dynamic,
        },
        other => {
            let mut message = "expected an integer width or `dynamic` after `input:`".to_owned();
            if let Value::Word(word) = other {
                message = format!("{message}, found `{word}`");
                if let Some(suggestion) = closest(&word.to_string(), ["dynamic"]) {
                    message = format!("{message} (did you mean `{suggestion}`?)");
                }
            }
            errors.at(other.span(), message);
            Input::Dynamic
        }
    }
}

/// Returns the width written as `literal`, or `None` after reporting why it
/// is not a valid width.
fn check_width(literal: &LitInt, what: &str, errors: &mut Errors) -> Option<usize> {
    if !matches!(literal.suffix(), "" | "usize") {
        errors.at(
            literal.span(),
            format!("{what} must be an unsuffixed integer, found `{literal}`"),
        );
        return None;
    }
    match literal.base10_parse::<usize>() {
        Ok(0) => {
            errors.at(
                literal.span(),
                format!("{what} must be at least 1, found `0`"),
            );
            None
        }
        Ok(width) => Some(width),
        Err(error) => {
            errors.at(
                literal.span(),
                format!("invalid {what} `{literal}`: {error}"),
            );
            None
        }
    }
}

fn check_cost(value: &Value, errors: &mut Errors) -> Option<Cost> {
    let Value::Word(word) = value else {
        errors.at(
            value.span(),
            format!("expected a cost after `cost:`, one of {}", names(&COSTS)),
        );
        return None;
    };
    let found = COSTS.iter().find(|(name, _)| word == name);
    if found.is_none() {
        errors.at(word.span(), unknown("cost", word, &COSTS));
    }
    found.map(|(_, cost)| *cost)
}

/// Returns the layer of entry `key: value`, with whether it is exactly as
/// declared or has stand-ins for mistakes, or `None` when the entry is no
/// layer at all.
fn check_layer(key: &Ident, value: Value, errors: &mut Errors) -> Option<(Layer, bool)> {
    let mut exact = true;
    let (function, arguments, parens) = match value {
        Value::Call {
            function,
            arguments,
            parens,
        } => (function, arguments, parens),
        Value::Word(word)
            if closest(&word.to_string(), ACTIVATIONS.map(|(name, _)| name)).is_some() =>
        {
            errors.at(
                word.span(),
                format!("layer `{key}` needs a width, such as `{word}(20)`"),
            );
            return None;
        }
        _ => {
            let mut message = format!(
                "unknown key `{key}`; expected `input`, `cost` or a layer \
                 such as `{key}: sigmoid(20)`"
            );
            if let Some(suggestion) = closest(&key.to_string(), ["input", "cost"]) {
                message = format!("{message} (did you mean `{suggestion}`?)");
            }
            errors.at(key.span(), message);
            return None;
        }
    };

    let name = match RESERVED.contains(&key.to_string().as_str()) {
        true => {
            exact = false;
            errors.at(
                key.span(),
                format!("layer name `{key}` is taken by a generated method; rename the layer"),
            );
            format_ident!("{}_layer", key, span = key.span())
        }
        false => key.clone(),
    };
    let activation = match ACTIVATIONS.iter().find(|(name, _)| function == name) {
        Some((_, activation)) => *activation,
        None => {
            errors.at(
                function.span(),
                unknown("activation", &function, &ACTIVATIONS),
            );
            exact = false;
            Activation::Identity
        }
    };
    let width = match syn::parse2::<LitInt>(arguments.clone()) {
        Ok(literal) => check_width(&literal, "layer width", errors),
        Err(_) if arguments.is_empty() => {
            errors.at(
                parens,
                format!("layer `{name}` needs a width, such as `{function}(20)`"),
            );
            None
        }
        Err(_) => {
            errors.at(
                parens,
                format!("layer width must be an integer literal, found `{arguments}`"),
            );
            None
        }
    };
    let layer = Layer {
        name,
        activation,
        width: width.unwrap_or(1),
    };
    Some((layer, exact && width.is_some()))
}

/// Reports a softmax on any layer but the last and turns it into the
/// identity.
fn check_hidden_layers(layers: &mut [Layer], errors: &mut Errors) {
    let hidden = layers.len().saturating_sub(1);
    for layer in &mut layers[..hidden] {
        if layer.activation == Activation::Softmax {
            errors.at(
                layer.name.span(),
                format!(
                    "softmax is only for the output layer, but `{}` is a hidden layer; \
                     use sigmoid, tanh, relu or identity",
                    layer.name
                ),
            );
            layer.activation = Activation::Identity;
        }
    }
}

/// Checks that the cost fits the output layer, and returns it, or a cost
/// that fits when it is missing or does not.
fn check_cost_fits(
    network: &Ident,
    cost: Option<(Span, Option<Cost>)>,
    output: &mut Layer,
    errors: &mut Errors,
) -> Cost {
    let fitting = match output.activation {
        Activation::Softmax => Cost::CrossEntropy,
        Activation::Sigmoid if output.width == 1 => Cost::BinaryCrossEntropy,
        Activation::Identity => Cost::SquaredError,
        Activation::Sigmoid | Activation::Tanh | Activation::Relu => {
            errors.at(
                output.name.span(),
                format!(
                    "no cost fits the output layer `{}: {}({})`; use softmax with \
                     `cross_entropy`, sigmoid(1) with `binary_cross_entropy` or identity with \
                     `squared_error`",
                    output.name,
                    output.activation.name(),
                    output.width
                ),
            );
            output.activation = Activation::Identity;
            return Cost::SquaredError;
        }
    };
    let (span, cost) = match cost {
        None => {
            errors.at(
                network.span(),
                format!(
                    "missing `cost` in network `{network}`: add `cost: {}` for its {} output",
                    fitting.name(),
                    output.activation.name()
                ),
            );
            return fitting;
        }
        Some((_, None)) => return fitting,
        Some((span, Some(cost))) => (span, cost),
    };
    if cost != fitting {
        errors.at(span, mismatch(cost, output));
    } else if cost == Cost::CrossEntropy && output.width < 2 {
        errors.at(
            span,
            format!(
                "`cross_entropy` needs a softmax output of at least 2 classes, but `{}` has 1; \
                 use `{}: sigmoid(1)` with `binary_cross_entropy`",
                output.name, output.name
            ),
        );
    }
    fitting
}

fn mismatch(cost: Cost, output: &Layer) -> String {
    let needs = match cost {
        Cost::CrossEntropy => "a softmax output layer",
        Cost::BinaryCrossEntropy => "an output layer of one sigmoid unit, `sigmoid(1)`",
        Cost::SquaredError => "an identity output layer",
    };
    format!(
        "cost `{}` needs {needs}, but the output layer is `{}: {}({})`",
        cost.name(),
        output.name,
        output.activation.name(),
        output.width
    )
}

fn names<T>(table: &[(&str, T)]) -> String {
    table
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown<T>(what: &str, found: &Ident, table: &[(&str, T)]) -> String {
    let mut message = format!("unknown {what} `{found}`; expected one of {}", names(table));
    if let Some(suggestion) = closest(&found.to_string(), table.iter().map(|(name, _)| *name)) {
        message = format!("{message} (did you mean `{suggestion}`?)");
    }
    message
}

/// Returns the candidate closest to `found` by edit distance, when it is
/// close enough to be a likely typo: at most a third of its length.
fn closest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (edit_distance(found, candidate), candidate))
        .filter(|&(distance, candidate)| distance <= candidate.len().max(3) / 3)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Returns the Levenshtein distance between two strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}
