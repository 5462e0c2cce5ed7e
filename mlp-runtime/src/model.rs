//! Saved models in the safetensors format.
//!
//! A model file holds one tensor per parameter (`W1`, `b1`, …, little-endian
//! `F32` or `F64`, row-major, each `W` outputs × inputs) and these string
//! entries in the header's `__metadata__`:
//!
//! | key | value |
//! | --- | --- |
//! | `format` | `mlp-model` |
//! | `format_version` | `1` |
//! | `float` | `f32` or `f64` |
//! | `geometry` | widths joined by commas, input first: `13989,20,2` |
//! | `activations` | one per layer, joined by commas: `sigmoid,softmax` |
//! | `cost` | `cross_entropy`, `binary_cross_entropy` or `squared_error` |
//! | `features` | optional: the feature names in column order, a JSON array |
//! | `sha256` | checksum of the other entries and the parameters, see below |
//!
//! The checksum turns a flipped bit in the weights or the metadata into an
//! error instead of a silently different model. It is the SHA-256 of every
//! other metadata entry in key order, as `key NUL value NUL`, then of each
//! parameter in parameter order, as `name NUL` followed by its bytes. The
//! header's keys are written in sorted order, so saving the same network
//! twice gives the same file.
//!
//! Any safetensors reader loads the file; in Python:
//!
//! ```python
//! from safetensors.numpy import load_file   # or safetensors.torch
//! params = load_file("model.safetensors")   # {"W1": array(20, 13989), ...}
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::{ArrayD, IxDyn};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use sha2::{Digest, Sha256};

use crate::activation::Activation;
use crate::float::Float;
use crate::mlp::{Layer, Mlp};
use crate::network::{Architecture, Cost, Network};

const FORMAT: &str = "mlp-model";
const FORMAT_VERSION: &str = "1";
const CHECKSUM_KEY: &str = "sha256";

/// Errors of saving and loading models.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The file could not be read or written.
    #[error("cannot {action} model file {path}: {source}")]
    Io {
        /// "read" or "write".
        action: &'static str,
        /// The model file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The file is not a valid model: truncated, not safetensors, or with
    /// missing or invalid metadata.
    #[error("{path} is not a valid model file: {reason}")]
    Invalid {
        /// The model file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// The parameters do not match the checksum stored with them.
    #[error(
        "the parameters in {path} do not match their checksum: the file is corrupted; \
         save the model again"
    )]
    Checksum {
        /// The model file.
        path: PathBuf,
    },

    /// The model's float type differs from the network's.
    #[error("{path} holds {saved} parameters but the network computes in {expected}")]
    FloatType {
        /// The model file.
        path: PathBuf,
        /// Float type of the file.
        saved: String,
        /// Float type of the network.
        expected: &'static str,
    },

    /// The model's architecture differs from the network's.
    #[error("{path} holds a network of geometry {saved}, but the network is {expected}")]
    Architecture {
        /// The model file.
        path: PathBuf,
        /// Architecture in the file.
        saved: Box<Architecture>,
        /// Architecture of the network.
        expected: Box<Architecture>,
    },

    /// A parameter's shape in the file differs from the network's.
    #[error(
        "parameter {name} in {path} has shape {saved:?}, but the network's has shape {expected:?}"
    )]
    Shape {
        /// The model file.
        path: PathBuf,
        /// Name of the parameter.
        name: String,
        /// Shape in the file.
        saved: Vec<usize>,
        /// Shape in the network.
        expected: Vec<usize>,
    },

    /// The network to save has a NaN or infinite parameter.
    #[error("parameter {name} holds a NaN or infinite value; such a model is not saved")]
    NonFinite {
        /// Name of the parameter.
        name: String,
    },
}

/// A model read from a file: its architecture, float type, feature names
/// and parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedModel {
    path: PathBuf,
    architecture: Architecture,
    float: String,
    features: Option<Vec<String>>,
    parameters: Vec<(String, ArrayD<f64>)>,
}

/// Saves `network` to `path`, with the feature names of its input columns
/// when given.
///
/// The file is written under a temporary name in the same directory and
/// then renamed, so a crash mid-write never leaves a truncated model under
/// `path`.
///
/// # Errors
///
/// Returns [`ModelError::NonFinite`] when a parameter is NaN or infinite and
/// [`ModelError::Io`] when the file cannot be written; in both cases `path`
/// is left as it was.
pub fn save<F: Float, N: Network<F> + ?Sized>(
    path: impl AsRef<Path>,
    network: &N,
    features: Option<&[String]>,
) -> Result<(), ModelError> {
    let path = path.as_ref();
    let mut tensors: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for name in network.parameter_names() {
        let parameter = network
            .parameter(&name)
            .expect("every listed parameter exists");
        if parameter.iter().any(|value| !value.is_finite()) {
            return Err(ModelError::NonFinite { name });
        }
        let bytes = to_le_bytes(parameter.iter().copied());
        tensors.push((name, parameter.shape().to_vec(), bytes));
    }

    let architecture = network.architecture();
    let mut metadata = BTreeMap::from([
        ("format".to_owned(), FORMAT.to_owned()),
        ("format_version".to_owned(), FORMAT_VERSION.to_owned()),
        ("float".to_owned(), F::NAME.to_owned()),
        ("geometry".to_owned(), join(&architecture.geometry)),
        ("activations".to_owned(), join(&architecture.activations)),
        ("cost".to_owned(), architecture.cost.name().to_owned()),
    ]);
    if let Some(features) = features {
        let json = serde_json::to_string(features).expect("strings serialise to JSON");
        metadata.insert("features".to_owned(), json);
    }
    let digest = checksum(
        &metadata,
        tensors
            .iter()
            .map(|(name, _, bytes)| (name.as_str(), bytes.as_slice())),
    );
    metadata.insert(CHECKSUM_KEY.to_owned(), digest);

    let dtype = if F::NAME == "f32" {
        Dtype::F32
    } else {
        Dtype::F64
    };
    let views = tensors
        .iter()
        .map(|(name, shape, bytes)| {
            let view = TensorView::new(dtype, shape.clone(), bytes).expect("sizes agree");
            (name.clone(), view)
        })
        .collect::<Vec<_>>();
    let invalid = |reason: String| ModelError::Invalid {
        path: path.to_owned(),
        reason,
    };
    let metadata: HashMap<String, String> = metadata.into_iter().collect();
    let bytes =
        safetensors::serialize(views, Some(metadata)).map_err(|e| invalid(e.to_string()))?;
    let bytes = sort_header(bytes).map_err(|e| invalid(e.to_string()))?;
    write_atomically(path, &bytes).map_err(|source| ModelError::Io {
        action: "write",
        path: path.to_owned(),
        source,
    })
}

/// Reads a model saved by [`save`].
///
/// # Errors
///
/// Returns [`ModelError::Io`] when the file cannot be read,
/// [`ModelError::Invalid`] when it is truncated, not safetensors or lacks
/// the metadata above, and [`ModelError::Checksum`] when its parameters were
/// altered.
pub fn load(path: impl AsRef<Path>) -> Result<SavedModel, ModelError> {
    let path = path.as_ref();
    let bytes = fs::read(path).map_err(|source| ModelError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    let invalid = |reason: String| ModelError::Invalid {
        path: path.to_owned(),
        reason,
    };

    let (_, header) = SafeTensors::read_metadata(&bytes).map_err(|e| invalid(e.to_string()))?;
    let tensors = SafeTensors::deserialize(&bytes).map_err(|e| invalid(e.to_string()))?;
    let metadata = header
        .metadata()
        .clone()
        .ok_or_else(|| invalid("the header has no __metadata__".to_owned()))?;
    let field = |key: &str| {
        metadata
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| invalid(format!("the metadata has no {key:?} entry")))
    };

    if field("format")? != FORMAT {
        return Err(invalid(format!(
            "format is {:?}, not {FORMAT:?}",
            field("format")?
        )));
    }
    if field("format_version")? != FORMAT_VERSION {
        return Err(invalid(format!(
            "format version {} is not supported; this library reads version {FORMAT_VERSION}",
            field("format_version")?
        )));
    }
    let float = field("float")?.to_owned();
    let dtype = match float.as_str() {
        "f32" => Dtype::F32,
        "f64" => Dtype::F64,
        other => return Err(invalid(format!("unknown float type {other:?}"))),
    };
    let architecture =
        parse_architecture(field("geometry")?, field("activations")?, field("cost")?)
            .map_err(invalid)?;
    let features =
        match metadata.get("features") {
            Some(json) => Some(serde_json::from_str::<Vec<String>>(json).map_err(|e| {
                invalid(format!("the feature list is not a JSON string array: {e}"))
            })?),
            None => None,
        };
    if let Some(features) = &features
        && features.len() != architecture.geometry[0]
    {
        return Err(invalid(format!(
            "{} feature names for an input width of {}",
            features.len(),
            architecture.geometry[0]
        )));
    }

    let mut parameters = Vec::new();
    let mut parameter_bytes = Vec::new();
    for name in parameter_names(architecture.activations.len()) {
        let tensor = tensors
            .tensor(&name)
            .map_err(|_| invalid(format!("parameter {name} is missing")))?;
        if tensor.dtype() != dtype {
            return Err(invalid(format!(
                "parameter {name} is {:?} in a model of {float}",
                tensor.dtype()
            )));
        }
        parameter_bytes.push((name.clone(), tensor.data()));
        let values = from_le_bytes(tensor.data(), dtype);
        if values.iter().any(|value| !value.is_finite()) {
            return Err(invalid(format!(
                "parameter {name} holds a NaN or infinite value"
            )));
        }
        let array = ArrayD::from_shape_vec(IxDyn(tensor.shape()), values)
            .map_err(|e| invalid(format!("parameter {name}: {e}")))?;
        parameters.push((name, array));
    }
    let stored = field(CHECKSUM_KEY)?;
    let mut covered: BTreeMap<String, String> = metadata.clone().into_iter().collect();
    covered.remove(CHECKSUM_KEY);
    let digest = checksum(
        &covered,
        parameter_bytes
            .iter()
            .map(|(name, bytes)| (name.as_str(), *bytes)),
    );
    if stored != digest {
        return Err(ModelError::Checksum {
            path: path.to_owned(),
        });
    }

    let model = SavedModel {
        path: path.to_owned(),
        architecture,
        float,
        features,
        parameters,
    };
    model
        .check_shapes(&model.architecture)
        .map_err(|error| match error {
            ModelError::Shape {
                name,
                saved,
                expected,
                ..
            } => invalid(format!(
                "parameter {name} has shape {saved:?} but the geometry needs {expected:?}"
            )),
            other => other,
        })?;
    Ok(model)
}

impl SavedModel {
    /// Returns the file the model was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the model's geometry, activations and cost.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// Returns the float type of the parameters, `"f32"` or `"f64"`.
    pub fn float_type(&self) -> &str {
        &self.float
    }

    /// Returns the names of the input features in column order, when the
    /// model was saved with them.
    pub fn features(&self) -> Option<&[String]> {
        self.features.as_deref()
    }

    /// Returns the parameters by name, widened to `f64` (exactly).
    pub fn parameters(&self) -> &[(String, ArrayD<f64>)] {
        &self.parameters
    }

    /// Builds a runtime MLP holding the saved parameters.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::FloatType`] when `F` is not the saved float
    /// type, and [`ModelError::Invalid`] when the architecture has no runtime
    /// counterpart (an output that is not softmax).
    pub fn to_mlp<F: Float>(&self) -> Result<Mlp<F>, ModelError> {
        self.check_float::<F>()?;
        let invalid = |reason: String| ModelError::Invalid {
            path: self.path.clone(),
            reason,
        };
        if self.architecture.cost != Cost::CrossEntropy {
            return Err(invalid(format!(
                "the runtime MLP trains on cross_entropy, but this model's cost is {}",
                self.architecture.cost
            )));
        }
        let layers = self
            .parameters
            .chunks(2)
            .zip(&self.architecture.activations)
            .map(|(pair, &activation)| {
                let weight = pair[0].1.mapv(F::from_f64).into_dimensionality();
                let bias = pair[1].1.mapv(F::from_f64).into_dimensionality();
                match (weight, bias) {
                    (Ok(weight), Ok(bias)) => {
                        Layer::new(weight, bias, activation).map_err(|e| invalid(e.to_string()))
                    }
                    _ => Err(invalid(
                        "a weight is not a matrix or a bias not a vector".into(),
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Mlp::from_layers(layers).map_err(|e| invalid(e.to_string()))
    }

    /// Copies the saved parameters into `network`, which must have the same
    /// architecture and float type.
    ///
    /// # Errors
    ///
    /// Returns [`ModelError::FloatType`], [`ModelError::Architecture`] or
    /// [`ModelError::Shape`] (naming both shapes) when the network does not
    /// match; the network is then unchanged.
    pub fn load_into<F: Float, N: Network<F> + ?Sized>(
        &self,
        network: &mut N,
    ) -> Result<(), ModelError> {
        self.check_float::<F>()?;
        let expected = network.architecture();
        if expected != self.architecture {
            return Err(ModelError::Architecture {
                path: self.path.clone(),
                saved: Box::new(self.architecture.clone()),
                expected: Box::new(expected),
            });
        }
        for (name, values) in &self.parameters {
            let target = network.parameter(name).ok_or_else(|| ModelError::Invalid {
                path: self.path.clone(),
                reason: format!("the network has no parameter {name}"),
            })?;
            if target.shape() != values.shape() {
                return Err(ModelError::Shape {
                    path: self.path.clone(),
                    name: name.clone(),
                    saved: values.shape().to_vec(),
                    expected: target.shape().to_vec(),
                });
            }
        }
        for (name, values) in &self.parameters {
            let mut target = network.parameter_mut(name).expect("checked above");
            target.zip_mut_with(values, |t, &v| *t = F::from_f64(v));
        }
        Ok(())
    }

    fn check_float<F: Float>(&self) -> Result<(), ModelError> {
        if self.float != F::NAME {
            return Err(ModelError::FloatType {
                path: self.path.clone(),
                saved: self.float.clone(),
                expected: F::NAME,
            });
        }
        Ok(())
    }

    fn check_shapes(&self, architecture: &Architecture) -> Result<(), ModelError> {
        let geometry = &architecture.geometry;
        for (index, (name, values)) in self.parameters.iter().enumerate() {
            let layer = index / 2;
            let expected = match index % 2 {
                0 => vec![geometry[layer + 1], geometry[layer]],
                _ => vec![geometry[layer + 1]],
            };
            if values.shape() != expected.as_slice() {
                return Err(ModelError::Shape {
                    path: self.path.clone(),
                    name: name.clone(),
                    saved: values.shape().to_vec(),
                    expected,
                });
            }
        }
        Ok(())
    }
}

fn parse_architecture(
    geometry: &str,
    activations: &str,
    cost: &str,
) -> Result<Architecture, String> {
    let geometry = geometry
        .split(',')
        .map(|width| width.trim().parse::<usize>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("geometry {geometry:?} is not a list of widths"))?;
    let activations = activations
        .split(',')
        .map(|name| name.trim().parse::<Activation>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let cost = Cost::from_name(cost).ok_or_else(|| format!("unknown cost {cost:?}"))?;
    if geometry.len() < 2 || geometry.contains(&0) || activations.len() != geometry.len() - 1 {
        return Err(format!(
            "geometry {geometry:?} does not fit {} activations",
            activations.len()
        ));
    }
    Ok(Architecture {
        geometry,
        activations,
        cost,
    })
}

/// Returns the hex SHA-256 of the metadata entries in key order and the
/// parameters in the order given, as the module documentation describes.
fn checksum<'a>(
    metadata: &BTreeMap<String, String>,
    parameters: impl Iterator<Item = (&'a str, &'a [u8])>,
) -> String {
    let mut hasher = Sha256::new();
    for (key, value) in metadata {
        hasher.update(key.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    for (name, bytes) in parameters {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(bytes);
    }
    hex(&hasher.finalize())
}

/// Rewrites a serialised file with the header's keys in sorted order, so
/// that the bytes do not depend on hash map iteration order.
fn sort_header(bytes: Vec<u8>) -> Result<Vec<u8>, serde_json::Error> {
    let length = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    let header: BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&bytes[8..8 + length])?;
    let mut sorted = serde_json::to_vec(&header)?;
    // The data must start at an offset that is a multiple of 8.
    sorted.resize(sorted.len().next_multiple_of(8), b' ');
    let mut file = Vec::with_capacity(8 + sorted.len() + bytes.len() - 8 - length);
    file.extend((sorted.len() as u64).to_le_bytes());
    file.extend(sorted);
    file.extend(&bytes[8 + length..]);
    Ok(file)
}

fn parameter_names(layers: usize) -> Vec<String> {
    (1..=layers)
        .flat_map(|number| [format!("W{number}"), format!("b{number}")])
        .collect()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".mlp-model-")
        .suffix(".tmp")
        .tempfile_in(directory)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

fn to_le_bytes<F: Float>(values: impl Iterator<Item = F>) -> Vec<u8> {
    let mut bytes = Vec::new();
    for value in values {
        match F::NAME {
            "f32" => bytes.extend((value.as_f64() as f32).to_le_bytes()),
            _ => bytes.extend(value.as_f64().to_le_bytes()),
        }
    }
    bytes
}

fn from_le_bytes(bytes: &[u8], dtype: Dtype) -> Vec<f64> {
    match dtype {
        Dtype::F32 => bytes
            .chunks_exact(4)
            .map(|chunk| f64::from(f32::from_le_bytes(chunk.try_into().expect("4 bytes"))))
            .collect(),
        _ => bytes
            .chunks_exact(8)
            .map(|chunk| f64::from_le_bytes(chunk.try_into().expect("8 bytes")))
            .collect(),
    }
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
