//! Plots of training curves and weights, as SVG files.
//!
//! [`LearningCurves`] draws the mean training cost and the accuracies of
//! each epoch from the records that [`crate::Sgd::train`] returns.
//! [`WeightHeatMap`] draws a weight matrix as coloured cells, and
//! [`BiasPlot`] a bias vector as bars; [`save_parameter_plots`] writes both
//! kinds for every parameter of a network.
//!
//! The SVG files name their fonts ("sans-serif") and leave the text to the
//! viewer, so drawing them needs no font library. Text widths are
//! estimated from the number of characters.
//!
//! ```no_run
//! use mlp::corpus::{Corpus, CorpusOptions};
//! use mlp::plot::{LearningCurves, save_parameter_plots};
//! use mlp::{Activation, Mlp, Sgd};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let corpus = Corpus::load_domain("books", &CorpusOptions::default())?;
//! let geometry = [corpus.n_features(), 20, 2];
//! let mut net = Mlp::<f64>::new(&geometry, &[Activation::Sigmoid, Activation::Softmax], 1234)?;
//! let records = Sgd::new(8, 128, 0.05)?.train(&mut net, &corpus.train(), None, &mut ())?;
//!
//! LearningCurves::new(&records).title("books").save("curves.svg")?;
//! save_parameter_plots("weights", &net)?; // weights/W1.svg, weights/b1.svg, ...
//! # Ok(())
//! # }
//! ```

mod colour;
mod curves;
mod weights;

use std::fmt::Display;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingAreaErrorKind, IntoDrawingArea, SVGBackend};

pub use curves::LearningCurves;
pub use weights::{BiasPlot, MAX_CELLS_PER_AXIS, WeightHeatMap, save_parameter_plots};

/// Font family of every text in the plots.
const FONT: &str = "sans-serif";

/// Errors of drawing and saving plots.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlotError {
    /// The directory that should contain the output file does not exist.
    #[error(
        "cannot write plot {}: directory {} does not exist; create it first",
        path.display(),
        directory.display()
    )]
    MissingDirectory {
        /// The requested output file.
        path: PathBuf,
        /// Its parent directory.
        directory: PathBuf,
    },

    /// The output file or directory could not be written.
    #[error("failed to write {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },

    /// plotters failed to lay out or draw the figure.
    #[error("failed to draw the {figure}: {message}")]
    Draw {
        /// The figure, such as "heat map of W1".
        figure: String,
        /// The error of plotters.
        message: String,
    },

    /// Data with no value to draw.
    #[error("nothing to plot: {data} is empty")]
    Empty {
        /// The empty data, such as "the list of epoch records".
        data: String,
    },

    /// A per-epoch series whose length differs from the number of epochs.
    #[error("the {series} series has {actual} values but there are {expected} epoch records")]
    LengthMismatch {
        /// Name of the series.
        series: &'static str,
        /// Number of epoch records.
        expected: usize,
        /// Number of values in the series.
        actual: usize,
    },

    /// A parameter that is neither a matrix (a weight) nor a vector (a
    /// bias).
    #[error("parameter {name} has shape {shape:?}; only matrices and vectors are plotted")]
    UnsupportedShape {
        /// Name of the parameter.
        name: String,
        /// Its shape.
        shape: Vec<usize>,
    },

    /// A NaN or infinite value, which has no place on an axis.
    #[error("{data} has a NaN or infinite value at index {index}")]
    NonFinite {
        /// The data, such as "parameter W1".
        data: String,
        /// Position of the first such value (row-major for a matrix).
        index: usize,
    },
}

/// Writes `svg` to `path`, checking first that the parent directory exists
/// so that the error names it.
fn write_svg(path: &Path, svg: &str) -> Result<(), PlotError> {
    check_parent(path)?;
    std::fs::write(path, svg).map_err(|source| PlotError::Write {
        path: path.to_owned(),
        source,
    })
}

/// Returns an error when the directory that would contain `path` is
/// missing. A bare file name refers to the current directory, which exists.
fn check_parent(path: &Path) -> Result<(), PlotError> {
    match path.parent() {
        Some(directory) if !directory.as_os_str().is_empty() && !directory.is_dir() => {
            Err(PlotError::MissingDirectory {
                path: path.to_owned(),
                directory: directory.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

/// Returns [`PlotError::NonFinite`] with the position of the first NaN or
/// infinite value, if any.
fn check_finite(data: &str, values: impl IntoIterator<Item = f64>) -> Result<(), PlotError> {
    match values.into_iter().position(|value| !value.is_finite()) {
        Some(index) => Err(PlotError::NonFinite {
            data: data.to_owned(),
            index,
        }),
        None => Ok(()),
    }
}

/// The result of drawing into an SVG drawing area.
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// Draws a figure of `size` pixels with `draw` and returns the SVG
/// document; `figure` names it in errors.
fn render_svg(
    figure: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> Result<String, PlotError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).map_err(|error| draw_error(figure, error))?;
        root.present().map_err(|error| draw_error(figure, error))?;
    }
    Ok(svg)
}

fn draw_error(figure: &str, error: impl Display) -> PlotError {
    PlotError::Draw {
        figure: figure.to_owned(),
        message: error.to_string(),
    }
}

/// Formats an axis position as an integer index, or as nothing between
/// integers, so that axes of whole epochs, rows or columns show no
/// fractional ticks.
fn integer_label(value: &f64) -> String {
    let rounded = value.round();
    if (value - rounded).abs() < 1e-6 {
        format!("{rounded:.0}")
    } else {
        String::new()
    }
}

/// Formats an axis value with three decimals, without the sign of a value
/// that rounds to zero.
fn decimal_label(value: &f64) -> String {
    let text = format!("{value:.3}");
    match text.strip_prefix('-') {
        Some(magnitude) if magnitude.bytes().all(|b| b == b'0' || b == b'.') => {
            magnitude.to_owned()
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_of_integers_only() {
        assert_eq!(integer_label(&3.0), "3");
        assert_eq!(integer_label(&2.5), "");
    }

    #[test]
    fn decimal_label_drops_sign_of_zero() {
        assert_eq!(decimal_label(&-0.0001), "0.000");
        assert_eq!(decimal_label(&-0.05), "-0.050");
        assert_eq!(decimal_label(&0.1), "0.100");
    }
}
