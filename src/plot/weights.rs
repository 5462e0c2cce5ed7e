//! Heat maps of weight matrices and bar plots of bias vectors.

use std::path::{Path, PathBuf};

use ndarray::{ArrayView1, ArrayView2, Ix1, Ix2};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::colour::diverging;
use super::{
    DrawResult, FONT, PlotError, check_finite, check_parent, decimal_label, integer_label,
    render_svg, write_svg,
};
use crate::{Float, Network};

/// Maximum number of cells a heat map draws along each axis. A longer axis
/// is cut into bins of consecutive rows or columns, and each cell shows the
/// mean of its bin. The 20 × 13989 first layer of the lab's network thus
/// becomes 20 × 100 cells, and its SVG file stays near 200 kB.
pub const MAX_CELLS_PER_AXIS: usize = 100;

/// Size of a heat map in pixels.
const HEAT_MAP_SIZE: (u32, u32) = (1000, 560);

/// Width in pixels of the colour scale at the right of a heat map.
const SCALE_WIDTH: u32 = 150;

/// Number of colour steps drawn in the colour scale.
const SCALE_STEPS: usize = 100;

/// Size of a bias plot in pixels.
const BIAS_PLOT_SIZE: (u32, u32) = (800, 480);

/// A heat map of a weight matrix W (outputs × inputs): one coloured cell
/// per weight, blue below 0 and red above, on a scale symmetric about 0
/// whose end is the largest magnitude drawn.
///
/// Rows (output units) run down from 0 at the top, as in the matrix, and
/// columns (inputs) run right. An axis longer than [`MAX_CELLS_PER_AXIS`]
/// is binned: each cell is the mean of a bin of consecutive weights, and
/// the axis label states the bin size.
///
/// ```
/// use mlp::plot::WeightHeatMap;
///
/// // The shape of the first layer of the lab's network.
/// let w1 = mlp::ndarray::Array2::from_shape_fn((20, 13989), |(row, column)| {
///     ((row + column) % 7) as f64 - 3.0
/// });
/// let heat_map = WeightHeatMap::new("W1", w1.view())?;
/// assert_eq!(heat_map.cells(), (20, 100));
/// assert_eq!(heat_map.bin_size(), (1, 140));
/// assert!(heat_map.to_svg()?.contains("mean of 140 columns"));
/// # Ok::<(), mlp::plot::PlotError>(())
/// ```
#[derive(Debug, Clone)]
pub struct WeightHeatMap {
    name: String,
    rows: Bins,
    columns: Bins,
    /// The mean of each cell, row-major.
    cells: Vec<f64>,
}

impl WeightHeatMap {
    /// Bins the weight matrix `weight` of the parameter `name`. A name of
    /// the form `W<k>`, as in [`Network::parameter_names`], labels the axes
    /// with units of layer k. Any other name labels them as rows and
    /// columns.
    ///
    /// # Errors
    ///
    /// Returns [`PlotError::Empty`] for a matrix without rows or columns and
    /// [`PlotError::NonFinite`] for a NaN or infinite weight.
    pub fn new<F: Float>(name: &str, weight: ArrayView2<'_, F>) -> Result<Self, PlotError> {
        if weight.is_empty() {
            return Err(PlotError::Empty {
                data: format!("parameter {name}"),
            });
        }
        check_finite(
            &format!("parameter {name}"),
            weight.iter().map(|w| w.as_f64()),
        )?;

        let rows = Bins::new(weight.nrows());
        let columns = Bins::new(weight.ncols());
        let mut sums = vec![0.0; rows.count * columns.count];
        for ((row, column), value) in weight.indexed_iter() {
            let cell = (row / rows.width) * columns.count + column / columns.width;
            sums[cell] += value.as_f64();
        }
        let cells = sums
            .into_iter()
            .enumerate()
            .map(|(cell, sum)| {
                let row_bin = cell / columns.count;
                let column_bin = cell % columns.count;
                sum / (rows.len(row_bin) * columns.len(column_bin)) as f64
            })
            .collect();

        Ok(WeightHeatMap {
            name: name.to_owned(),
            rows,
            columns,
            cells,
        })
    }

    /// Returns the number of cells drawn as (rows, columns).
    pub fn cells(&self) -> (usize, usize) {
        (self.rows.count, self.columns.count)
    }

    /// Returns the number of rows and of columns per cell.
    pub fn bin_size(&self) -> (usize, usize) {
        (self.rows.width, self.columns.width)
    }

    /// Draws the heat map and its colour scale and returns the SVG document.
    ///
    /// # Errors
    ///
    /// Returns [`PlotError::Draw`] when plotters fails.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let figure = format!("heat map of {}", self.name);
        render_svg(&figure, HEAT_MAP_SIZE, |root| self.draw(root))
    }

    /// Draws the heat map into the SVG file `path`.
    ///
    /// # Errors
    ///
    /// The errors of [`WeightHeatMap::to_svg`], and
    /// [`PlotError::MissingDirectory`] or [`PlotError::Write`] when the file
    /// cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        let svg = self.to_svg()?;
        write_svg(path.as_ref(), &svg)
    }

    fn draw(&self, root: &DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult {
        root.fill(&WHITE)?;
        let title = format!(
            "{}: weights{} ({} × {})",
            self.name,
            layer_phrase(&self.name),
            self.rows.total,
            self.columns.total
        );
        let area = root.titled(&title, (FONT, 24))?;
        let (matrix_area, scale_area) = area.split_horizontally(HEAT_MAP_SIZE.0 - SCALE_WIDTH);

        let limit = self.cells.iter().fold(0.0, |m: f64, v| m.max(v.abs()));
        let limit = if limit > 0.0 { limit } else { 1.0 };
        self.draw_matrix(&matrix_area, limit)?;
        self.draw_scale(&scale_area, limit)
    }

    fn draw_matrix(&self, area: &DrawingArea<SVGBackend<'_>, Shift>, limit: f64) -> DrawResult {
        let (row_label, column_label) = axis_names(&self.name);
        let last_row = self.rows.total as f64 - 1.0;
        let mut chart = ChartBuilder::on(area)
            .margin(16)
            .x_label_area_size(60)
            .y_label_area_size(70)
            .build_cartesian_2d(
                -0.5..self.columns.total as f64 - 0.5,
                -0.5..self.rows.total as f64 - 0.5,
            )?;
        // Row 0 is drawn at the top, so the y coordinate of row r is
        // last_row − r and the tick labels convert back.
        let row_of_y = move |y: &f64| integer_label(&(last_row - y));
        // Up to 25 rows, every row gets a label. On longer axes plotters
        // picks round positions.
        let row_labels = if self.rows.total <= 25 {
            self.rows.total
        } else {
            10
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(self.columns.describe(&column_label, "columns"))
            .y_desc(self.rows.describe(&row_label, "rows"))
            .x_labels(10)
            .y_labels(row_labels)
            .x_label_formatter(&integer_label)
            .y_label_formatter(&row_of_y)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()?;

        let cells = self.cells.iter().enumerate().map(|(cell, &value)| {
            let rows = self.rows.span(cell / self.columns.count);
            let columns = self.columns.span(cell % self.columns.count);
            let top_left = (columns.0 - 0.5, last_row - rows.0 + 0.5);
            let bottom_right = (columns.1 - 0.5, last_row - rows.1 + 0.5);
            Rectangle::new([top_left, bottom_right], diverging(value, limit).filled())
        });
        chart.draw_series(cells)?;
        Ok(())
    }

    fn draw_scale(&self, area: &DrawingArea<SVGBackend<'_>, Shift>, limit: f64) -> DrawResult {
        let binned = self.rows.width > 1 || self.columns.width > 1;
        let description = if binned {
            "mean weight of a cell"
        } else {
            "weight"
        };
        let mut chart = ChartBuilder::on(area)
            .margin_top(16)
            .margin_bottom(76)
            .margin_right(50)
            .y_label_area_size(75)
            .build_cartesian_2d(0.0..1.0, -limit..limit)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_desc(description)
            .y_labels(9)
            .y_label_formatter(&decimal_label)
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 17))
            .draw()?;

        let step = 2.0 * limit / SCALE_STEPS as f64;
        let steps = (0..SCALE_STEPS).map(|index| {
            let low = -limit + index as f64 * step;
            let colour = diverging(low + step / 2.0, limit);
            Rectangle::new([(0.0, low), (1.0, low + step)], colour.filled())
        });
        chart.draw_series(steps)?;
        Ok(())
    }
}

/// A bar plot of a bias vector: one bar per unit, red above 0 and blue
/// below.
#[derive(Debug, Clone)]
pub struct BiasPlot {
    name: String,
    values: Vec<f64>,
}

impl BiasPlot {
    /// Takes the bias vector `bias` of the parameter `name`. A name of the
    /// form `b<k>` labels the units as units of layer k.
    ///
    /// # Errors
    ///
    /// Returns [`PlotError::Empty`] for an empty vector and
    /// [`PlotError::NonFinite`] for a NaN or infinite bias.
    pub fn new<F: Float>(name: &str, bias: ArrayView1<'_, F>) -> Result<Self, PlotError> {
        if bias.is_empty() {
            return Err(PlotError::Empty {
                data: format!("parameter {name}"),
            });
        }
        let values: Vec<f64> = bias.iter().map(|b| b.as_f64()).collect();
        check_finite(&format!("parameter {name}"), values.iter().copied())?;
        Ok(BiasPlot {
            name: name.to_owned(),
            values,
        })
    }

    /// Draws the plot and returns the SVG document.
    ///
    /// # Errors
    ///
    /// Returns [`PlotError::Draw`] when plotters fails.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let figure = format!("bias plot of {}", self.name);
        render_svg(&figure, BIAS_PLOT_SIZE, |root| self.draw(root))
    }

    /// Draws the plot into the SVG file `path`.
    ///
    /// # Errors
    ///
    /// The errors of [`BiasPlot::to_svg`], and
    /// [`PlotError::MissingDirectory`] or [`PlotError::Write`] when the file
    /// cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        let svg = self.to_svg()?;
        write_svg(path.as_ref(), &svg)
    }

    fn draw(&self, root: &DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult {
        root.fill(&WHITE)?;
        let units = self.values.len();
        let title = format!(
            "{}: biases{} ({units} units)",
            self.name,
            layer_phrase(&self.name)
        );

        let lowest = self.values.iter().copied().fold(0.0, f64::min);
        let highest = self.values.iter().copied().fold(0.0, f64::max);
        let limit = lowest.abs().max(highest);
        let (bottom, top) = if limit > 0.0 {
            (lowest - 0.1 * limit, highest + 0.1 * limit)
        } else {
            (-1.0, 1.0)
        };

        let unit_label = match layer_number(&self.name) {
            Some(layer) => format!("unit of layer {layer} (index into {})", self.name),
            None => format!("index into {}", self.name),
        };
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24))
            .margin(16)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5..units as f64 - 0.5, bottom..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc(unit_label)
            .y_desc("bias (added to the unit's logit)")
            .x_labels(units.min(20))
            .x_label_formatter(&integer_label)
            .y_label_formatter(&decimal_label)
            .label_style((FONT, 15))
            .axis_desc_style((FONT, 17))
            .draw()?;

        let bars = self.values.iter().enumerate().map(|(unit, &value)| {
            let x = unit as f64;
            let colour = diverging(value.signum(), 1.0);
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, value)], colour.filled())
        });
        chart.draw_series(bars)?;
        chart.draw_series(LineSeries::new(
            [(-0.5, 0.0), (units as f64 - 0.5, 0.0)],
            BLACK.stroke_width(1),
        ))?;
        Ok(())
    }
}

/// Draws a heat map of every weight matrix and a bias plot of every bias
/// vector of `network` into `directory`, one SVG per parameter named after
/// it (`W1.svg`, `b1.svg`, …), and returns the paths written in parameter
/// order.
///
/// The directory is created when it is missing and its parent exists.
///
/// # Errors
///
/// Returns [`PlotError::MissingDirectory`] when neither the directory nor
/// its parent exists, [`PlotError::UnsupportedShape`] for a parameter that
/// is neither a matrix nor a vector, and the errors of the plots.
pub fn save_parameter_plots<F: Float, N: Network<F> + ?Sized>(
    directory: impl AsRef<Path>,
    network: &N,
) -> Result<Vec<PathBuf>, PlotError> {
    let directory = directory.as_ref();
    if !directory.is_dir() {
        check_parent(directory)?;
        std::fs::create_dir(directory).map_err(|source| PlotError::Write {
            path: directory.to_owned(),
            source,
        })?;
    }

    let mut written = Vec::new();
    for name in network.parameter_names() {
        let Some(parameter) = network.parameter(&name) else {
            continue;
        };
        let path = directory.join(format!("{name}.svg"));
        let shape = parameter.shape().to_vec();
        if let Ok(weight) = parameter.clone().into_dimensionality::<Ix2>() {
            WeightHeatMap::new(&name, weight)?.save(&path)?;
        } else if let Ok(bias) = parameter.into_dimensionality::<Ix1>() {
            BiasPlot::new(&name, bias)?.save(&path)?;
        } else {
            return Err(PlotError::UnsupportedShape { name, shape });
        }
        written.push(path);
    }
    Ok(written)
}

/// A division of an axis of `total` entries into `count` bins of `width`
/// consecutive entries, the last bin possibly shorter.
#[derive(Debug, Clone, Copy)]
struct Bins {
    total: usize,
    width: usize,
    count: usize,
}

impl Bins {
    fn new(total: usize) -> Self {
        let width = total.div_ceil(MAX_CELLS_PER_AXIS).max(1);
        Bins {
            total,
            width,
            count: total.div_ceil(width),
        }
    }

    /// Returns the first entry of bin `bin` and the entry after its last.
    fn span(&self, bin: usize) -> (f64, f64) {
        let start = bin * self.width;
        let end = (start + self.width).min(self.total);
        (start as f64, end as f64)
    }

    /// Returns the number of entries in bin `bin`.
    fn len(&self, bin: usize) -> usize {
        let (start, end) = self.span(bin);
        (end - start) as usize
    }

    /// Returns the axis label: `name`, and the bin size when bins hold more
    /// than one entry.
    fn describe(&self, name: &str, entries: &str) -> String {
        if self.width == 1 {
            name.to_owned()
        } else {
            format!("{name}; each cell: mean of {} {entries}", self.width)
        }
    }
}

/// Returns the layer number k of a parameter named `W<k>` or `b<k>`.
fn layer_number(name: &str) -> Option<usize> {
    let digits = name.strip_prefix('W').or_else(|| name.strip_prefix('b'))?;
    digits.parse().ok().filter(|&layer| layer > 0)
}

/// Returns " of layer k" for a parameter of layer k, else nothing.
fn layer_phrase(name: &str) -> String {
    layer_number(name)
        .map(|layer| format!(" of layer {layer}"))
        .unwrap_or_default()
}

/// Returns the labels of the rows and columns of the weight matrix `name`.
fn axis_names(name: &str) -> (String, String) {
    match layer_number(name) {
        Some(1) => (
            format!("unit of layer 1 (row of {name})"),
            format!("input feature (column of {name})"),
        ),
        Some(layer) => (
            format!("unit of layer {layer} (row of {name})"),
            format!("unit of layer {} (column of {name})", layer - 1),
        ),
        None => (format!("row of {name}"), format!("column of {name}")),
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;

    use super::*;

    #[test]
    fn bins_cover_long_axis() {
        let bins = Bins::new(13989);
        assert_eq!(bins.width, 140);
        assert_eq!(bins.count, 100);
        assert_eq!(bins.span(99), (13860.0, 13989.0));
        assert_eq!(bins.len(99), 129);
    }

    #[test]
    fn short_axis_not_binned() {
        let bins = Bins::new(20);
        assert_eq!(bins.width, 1);
        assert_eq!(bins.count, 20);
    }

    #[test]
    fn cells_hold_bin_means() {
        let weight = Array2::from_shape_fn(
            (2, 250),
            |(row, column)| {
                if row == 0 { column as f64 } else { -1.0 }
            },
        );
        let map = WeightHeatMap::new("W1", weight.view()).unwrap();
        assert_eq!(map.bin_size(), (1, 3));
        assert_eq!(map.cells(), (2, 84));
        assert_eq!(map.cells[0], 1.0);
        // The last bin holds only column 249.
        assert_eq!(map.cells[83], 249.0);
        assert_eq!(map.cells[84], -1.0);
    }

    #[test]
    fn layer_names() {
        assert_eq!(layer_number("W1"), Some(1));
        assert_eq!(layer_number("b12"), Some(12));
        assert_eq!(layer_number("W0"), None);
        assert_eq!(layer_number("weights"), None);
    }
}
