//! Errors of networks, training and evaluation.

use crate::corpus::CorpusError;
use crate::sparse::CsrError;

/// Errors of building, running and training networks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A geometry or activation list that cannot form a network.
    #[error("invalid network: {0}")]
    InvalidNetwork(String),

    /// A batch whose width differs from the network's input width.
    #[error(
        "the batch has {actual} features per example but the network expects {expected}; \
         build the network with the corpus's feature count"
    )]
    InputWidth {
        /// The network's input width.
        expected: usize,
        /// The batch's width.
        actual: usize,
    },

    /// Examples and labels of different lengths.
    #[error("the batch has {examples} examples but {labels} labels")]
    LabelCount {
        /// Number of examples.
        examples: usize,
        /// Number of labels.
        labels: usize,
    },

    /// A label that is not a class of the network.
    #[error(
        "label {label} of example {example} is out of range for {classes} classes \
         (labels run from 0 to {max})",
        max = .classes.saturating_sub(1)
    )]
    LabelOutOfRange {
        /// Position of the example in its batch.
        example: usize,
        /// The label found.
        label: usize,
        /// The network's number of classes.
        classes: usize,
    },

    /// A training setting that cannot work.
    #[error("invalid training configuration: {0}")]
    InvalidConfig(String),

    /// A training step whose cost or weights are NaN or infinite, or whose
    /// cost grew past the limit of [`crate::Sgd::divergence_factor`].
    #[error(
        "training diverged in epoch {epoch}, batch {batch}: {what}; \
         try a smaller learning rate than {learning_rate}"
    )]
    Diverged {
        /// Epoch of the step, from 1.
        epoch: usize,
        /// Batch of the step within its epoch, from 1.
        batch: usize,
        /// What went wrong, such as "parameter W1 is not finite".
        what: String,
        /// The learning rate in use.
        learning_rate: f64,
    },

    /// A parameter that became NaN or infinite in an update.
    #[error("{what} is not finite after the update; try a smaller learning rate")]
    NonFinite {
        /// What became non-finite, such as "parameter W1".
        what: String,
    },

    /// A parameter that the network does not have.
    #[error("unknown parameter {name:?}; the network has {known}")]
    UnknownParameter {
        /// The requested name.
        name: String,
        /// The names the network has, comma-separated.
        known: String,
    },

    /// A parameter array of the wrong shape.
    #[error("parameter {name} has shape {actual:?} but the network expects {expected:?}")]
    ParameterShape {
        /// Name of the parameter.
        name: String,
        /// The network's shape.
        expected: Vec<usize>,
        /// The shape given.
        actual: Vec<usize>,
    },

    /// Invalid sparse matrix arrays.
    #[error(transparent)]
    Sparse(#[from] CsrError),

    /// An error of saving or loading a model, boxed to keep this type small.
    #[error(transparent)]
    Model(Box<crate::model::ModelError>),

    /// An error of the corpus reader.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
}

impl From<crate::model::ModelError> for Error {
    fn from(error: crate::model::ModelError) -> Self {
        Error::Model(Box::new(error))
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
