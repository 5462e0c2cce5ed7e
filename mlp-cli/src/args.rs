//! The command line: subcommands, options and the checks of their values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mlp::Activation;
use mlp::corpus::FeatureOrder;

/// Train, evaluate and apply multilayer perceptrons on the Multi-Domain
/// Sentiment Dataset (processed_acl format), as in the LxMLS 2015 deep
/// learning lab.
///
/// A domain such as books is a directory with positive.review and
/// negative.review. It is looked up in --data-dir when given, else in
/// $MLP_DATA_DIR/<domain>. Exit status: 0 on success, 1 when a command
/// fails, 2 for invalid options.
#[derive(Debug, Parser)]
#[command(name = "mlp", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a network on a domain, print its accuracy and save it.
    Train(TrainArgs),
    /// Evaluate a saved model on a split of a domain.
    Eval(EvalArgs),
    /// Classify reviews read from a file or standard input.
    Predict(PredictArgs),
    /// Print statistics of a domain: reviews, labels, features and splits.
    Info(InfoArgs),
}

/// Options that find a domain and split it into train, devel and test.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Domain to read, such as books, dvd, electronics or kitchen.
    #[arg(long, value_name = "NAME", default_value = "books")]
    pub domain: String,

    /// Directory that contains the domain's directory (or is the domain's
    /// directory itself). Overrides MLP_DATA_DIR.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Fraction of the reviews in the training split, taken from the start
    /// of the corpus, where positive and negative reviews alternate.
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true, default_value_t = 0.8, value_parser = parse_fraction)]
    pub train_fraction: f64,

    /// Fraction of the reviews in the devel split, which follows the
    /// training split. The test split is the rest.
    #[arg(long, value_name = "FRACTION", allow_negative_numbers = true, default_value_t = 0.0, value_parser = parse_fraction)]
    pub devel_fraction: f64,

    /// Never download a missing domain. Without this option, a missing
    /// books, dvd, electronics or kitchen domain is downloaded into
    /// --data-dir, else MLP_DATA_DIR, else the platform's cache folder.
    #[arg(long)]
    pub offline: bool,
}

/// Options of `mlp train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Width of a hidden layer, in units. Repeat the option or separate
    /// widths with commas for several layers, input side first (--hidden
    /// 20,10). Without --hidden the network is the log-linear model: one
    /// softmax layer on the features.
    #[arg(long, value_name = "UNITS", allow_negative_numbers = true, value_delimiter = ',', value_parser = parse_hidden_width)]
    pub hidden: Vec<usize>,

    /// Activation of the hidden layers: one name for all of them, or one per
    /// hidden layer separated by commas. The output layer is always softmax.
    /// [default: sigmoid]
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub activation: Option<Vec<HiddenActivation>>,

    /// Number of passes over the training split.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 8, value_parser = parse_at_least_one)]
    pub epochs: usize,

    /// Number of reviews per minibatch; the last minibatch of an epoch may
    /// have fewer.
    #[arg(long, value_name = "N", allow_negative_numbers = true, default_value_t = 128, value_parser = parse_at_least_one)]
    pub batch_size: usize,

    /// SGD step size: each update subtracts this times the gradient of the
    /// minibatch's mean cross-entropy. The lab's accuracies come from 0.05.
    #[arg(long, value_name = "RATE", allow_negative_numbers = true, default_value_t = 0.05, value_parser = parse_learning_rate)]
    pub learning_rate: f64,

    /// Seed of the Mersenne Twister that draws the initial weights, and the
    /// shuffling order with --shuffle. 1234 reproduces the lab's weights.
    #[arg(long, value_name = "SEED", allow_negative_numbers = true, default_value_t = 1234, value_parser = parse_seed)]
    pub seed: u32,

    /// Shuffle the training reviews before each epoch, in an order drawn
    /// from --seed. Without it, minibatches take the reviews in corpus
    /// order, as the lab does.
    #[arg(long)]
    pub shuffle: bool,

    /// Feed the network dense input matrices (reviews × features floats)
    /// instead of sparse ones. The model is the same up to rounding, but
    /// training is slower and needs more memory.
    #[arg(long)]
    pub dense: bool,

    /// Floating-point type of the weights and of every computation.
    #[arg(long, value_name = "TYPE", value_enum, default_value_t = FloatType::F64)]
    pub float: FloatType,

    /// Minimum total count of a feature over both review files for it to
    /// become an input of the network.
    #[arg(long, value_name = "COUNT", allow_negative_numbers = true, default_value_t = 5, value_parser = parse_count)]
    pub min_count: u64,

    /// Numbering of the input features. With the lab order, seed 1234
    /// reproduces the lab's numbers, because the initial weights meet the
    /// same features as in the lab. The first-seen order numbers features in
    /// order of first appearance.
    #[arg(long, value_name = "ORDER", value_enum, default_value_t = FeatureOrderArg::Lab)]
    pub feature_order: FeatureOrderArg,

    /// Write the trained model, with its feature names, to this safetensors
    /// file.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Write the learning curves (mean training cost, train and devel
    /// accuracy per epoch) to this SVG file.
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,

    /// Write a heat map of each weight matrix and a bar plot of each bias
    /// vector of the trained network to this directory, as W1.svg, b1.svg
    /// and so on. The directory is created when its parent exists.
    #[arg(long, value_name = "DIR")]
    pub plot_weights: Option<PathBuf>,
}

/// Options of `mlp eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model file written by `mlp train --save`. Its feature names map the
    /// domain's reviews to its inputs, so it can be evaluated on any domain.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Split of the domain to evaluate on. Use the fractions the model was
    /// trained with, or the test split overlaps its training reviews.
    #[arg(long, value_name = "SPLIT", value_enum, default_value_t = Split::Test)]
    pub split: Split,
}

/// Options of `mlp predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Model file written by `mlp train --save`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,

    /// File of reviews in the processed_acl format, one per line: name:count
    /// tokens and an optional #label#:positive or #label#:negative token,
    /// which is not used. Reads
    /// standard input when absent or "-". For each review, prints the line
    /// number, the predicted class (positive or negative) and its
    /// probability, separated by tabs. Blank lines are skipped. An invalid
    /// line prints an error naming its number and the rest is still
    /// classified, but the exit status is then 1.
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
}

/// Options of `mlp info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Minimum total count of a feature over both review files for it to be
    /// kept, as in `mlp train`.
    #[arg(long, value_name = "COUNT", allow_negative_numbers = true, default_value_t = 5, value_parser = parse_count)]
    pub min_count: u64,
}

/// An activation that a hidden layer may have: every one but softmax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HiddenActivation {
    /// The logistic sigmoid 1 / (1 + e^−z), as in the lab.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
    /// The rectified linear unit max(z, 0).
    Relu,
    /// No non-linearity.
    Identity,
}

impl From<HiddenActivation> for Activation {
    fn from(activation: HiddenActivation) -> Self {
        match activation {
            HiddenActivation::Sigmoid => Activation::Sigmoid,
            HiddenActivation::Tanh => Activation::Tanh,
            HiddenActivation::Relu => Activation::Relu,
            HiddenActivation::Identity => Activation::Identity,
        }
    }
}

/// The float type of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FloatType {
    /// 32-bit floats.
    F32,
    /// 64-bit floats, as the lab's NumPy code.
    F64,
}

/// The `--feature-order` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FeatureOrderArg {
    /// The lab's column order.
    Lab,
    /// Order of first appearance, positive file first.
    FirstSeen,
}

impl From<FeatureOrderArg> for FeatureOrder {
    fn from(order: FeatureOrderArg) -> Self {
        match order {
            FeatureOrderArg::Lab => FeatureOrder::Lab,
            FeatureOrderArg::FirstSeen => FeatureOrder::FirstSeen,
        }
    }
}

/// A part of a domain's reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Split {
    /// The training split.
    Train,
    /// The devel split.
    Devel,
    /// The test split.
    Test,
    /// Every review of the domain.
    All,
}

impl Split {
    /// Returns the name used on the command line and in output.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Devel => "devel",
            Split::Test => "test",
            Split::All => "all",
        }
    }
}

fn parse_at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if value >= 1 => Ok(value),
        _ => Err("expected a whole number of at least 1".to_owned()),
    }
}

fn parse_hidden_width(text: &str) -> Result<usize, String> {
    parse_at_least_one(text).map_err(|message| {
        format!("{message}; omit --hidden for the log-linear model, which has no hidden layer")
    })
}

fn parse_count(text: &str) -> Result<u64, String> {
    text.parse::<u64>()
        .map_err(|_| "expected a whole number of at least 0".to_owned())
}

fn parse_seed(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("expected a whole number from 0 to {}", u32::MAX))
}

fn parse_learning_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err("expected a finite number above 0".to_owned()),
    }
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(fraction) if (0.0..=1.0).contains(&fraction) => Ok(fraction),
        _ => Err("expected a number from 0 to 1".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn value_checks() {
        assert_eq!(parse_at_least_one("3"), Ok(3));
        assert!(parse_at_least_one("0").is_err());
        assert!(parse_at_least_one("-1").is_err());
        assert!(parse_learning_rate("0").is_err());
        assert!(parse_learning_rate("inf").is_err());
        assert!(parse_learning_rate("NaN").is_err());
        assert_eq!(parse_learning_rate("0.01"), Ok(0.01));
        assert!(parse_fraction("1.5").is_err());
        assert!(parse_fraction("-0.1").is_err());
        assert!(parse_fraction("nan").is_err());
        assert_eq!(parse_fraction("1"), Ok(1.0));
        assert!(parse_seed("4294967296").is_err());
    }
}
