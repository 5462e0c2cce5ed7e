//! Learning curves: the training cost and the accuracies of each epoch.

use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::{DrawResult, FONT, PlotError, check_finite, integer_label, render_svg, write_svg};
use crate::EpochRecord;

/// Colour of the training series (blue of matplotlib's "tab10" palette).
const TRAIN_COLOUR: RGBColor = RGBColor(31, 119, 180);

/// Colour of the devel series (orange of the same palette).
const DEVEL_COLOUR: RGBColor = RGBColor(255, 127, 14);

/// Size of one panel in pixels.
const PANEL_SIZE: (u32, u32) = (640, 480);

/// Height of the figure's title in pixels, when it has one.
const TITLE_HEIGHT: u32 = 40;

/// Maximum number of tick labels on the epoch axis.
const MAX_EPOCH_LABELS: usize = 12;

/// A figure of learning curves: the mean training cost of each epoch in
/// one panel and, when there are accuracies, the train and devel accuracy
/// of each epoch in a second panel beside it.
///
/// The accuracies come from [`EpochRecord::train`] and
/// [`EpochRecord::devel`]; [`LearningCurves::train_accuracy`] gives train
/// accuracies measured some other way, one value per record.
///
/// ```
/// use mlp::EpochRecord;
/// use mlp::plot::LearningCurves;
///
/// let records: Vec<EpochRecord> = (1..=3)
///     .map(|epoch| EpochRecord {
///         epoch,
///         batches: 13,
///         batch_size: 128,
///         seconds: 0.5,
///         mean_cost: 0.7 / epoch as f64,
///         train: None,
///         devel: None,
///     })
///     .collect();
/// let svg = LearningCurves::new(&records)
///     .train_accuracy(&[0.6, 0.8, 0.9])
///     .title("books")
///     .to_svg()?;
/// assert!(svg.contains("mean cross-entropy (nats)"));
/// # Ok::<(), mlp::plot::PlotError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LearningCurves<'a> {
    records: &'a [EpochRecord],
    train_accuracy: Option<&'a [f64]>,
    title: Option<String>,
}

impl<'a> LearningCurves<'a> {
    /// Starts a figure of the epochs in `records`, in the order given.
    pub fn new(records: &'a [EpochRecord]) -> Self {
        LearningCurves {
            records,
            train_accuracy: None,
            title: None,
        }
    }

    /// Adds the training accuracy after each epoch, as fractions in [0, 1],
    /// one per record.
    pub fn train_accuracy(mut self, accuracy: &'a [f64]) -> Self {
        self.train_accuracy = Some(accuracy);
        self
    }

    /// Sets the title drawn above the panels.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Draws the figure and returns the SVG document.
    ///
    /// # Errors
    ///
    /// Returns [`PlotError::Empty`] when there are no records,
    /// [`PlotError::LengthMismatch`] when the training accuracies are not
    /// one per record, [`PlotError::NonFinite`] for a NaN or infinite cost
    /// or accuracy, and [`PlotError::Draw`] when plotters fails.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        let series = self.series()?;
        let panels = if series.has_accuracy() { 2 } else { 1 };
        let title_height = if self.title.is_some() {
            TITLE_HEIGHT
        } else {
            0
        };
        let size = (PANEL_SIZE.0 * panels, PANEL_SIZE.1 + title_height);

        render_svg("learning curves", size, |root| {
            self.draw(root, &series, panels)
        })
    }

    /// Draws the figure into the SVG file `path`.
    ///
    /// # Errors
    ///
    /// The errors of [`LearningCurves::to_svg`], and
    /// [`PlotError::MissingDirectory`] or [`PlotError::Write`] when the file
    /// cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        let svg = self.to_svg()?;
        write_svg(path.as_ref(), &svg)
    }

    /// Checks the records and collects the points of every series.
    fn series(&self) -> Result<Series, PlotError> {
        let records = self.records;
        if records.is_empty() {
            return Err(PlotError::Empty {
                data: "the list of epoch records".to_owned(),
            });
        }
        check_finite("the mean cost", records.iter().map(|r| r.mean_cost))?;

        let epochs: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
        let cost = epochs
            .iter()
            .zip(records)
            .map(|(&epoch, record)| (epoch, record.mean_cost))
            .collect();

        let train = match self.train_accuracy {
            Some(accuracy) if accuracy.len() != records.len() => {
                return Err(PlotError::LengthMismatch {
                    series: "train accuracy",
                    expected: records.len(),
                    actual: accuracy.len(),
                });
            }
            Some(accuracy) => {
                check_finite("the train accuracy", accuracy.iter().copied())?;
                epochs
                    .iter()
                    .copied()
                    .zip(accuracy.iter().copied())
                    .collect()
            }
            None => epochs
                .iter()
                .zip(records)
                .filter_map(|(&epoch, record)| record.train.map(|train| (epoch, train.accuracy)))
                .collect(),
        };

        let devel: Vec<(f64, f64)> = epochs
            .iter()
            .zip(records)
            .filter_map(|(&epoch, record)| record.devel.map(|devel| (epoch, devel.accuracy)))
            .collect();
        check_finite("the devel accuracy", devel.iter().map(|&(_, a)| a))?;

        let first = epochs.iter().copied().fold(f64::INFINITY, f64::min);
        let last = epochs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok(Series {
            epochs: first - 0.5..last + 0.5,
            epoch_labels: records.len().min(MAX_EPOCH_LABELS),
            cost,
            train,
            devel,
        })
    }

    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        series: &Series,
        panels: u32,
    ) -> DrawResult {
        root.fill(&WHITE)?;
        let area = match &self.title {
            Some(title) => root.titled(title, (FONT, 24))?,
            None => root.clone(),
        };
        if panels == 1 {
            return draw_cost(&area, series);
        }
        let (left, right) = area.split_horizontally(PANEL_SIZE.0);
        draw_cost(&left, series)?;
        draw_accuracy(&right, series)
    }
}

/// The points of every curve, as (epoch, value) pairs.
struct Series {
    /// Range of the epoch axis, half an epoch beyond the first and last.
    epochs: Range<f64>,
    /// Number of tick labels on the epoch axis.
    epoch_labels: usize,
    cost: Vec<(f64, f64)>,
    train: Vec<(f64, f64)>,
    devel: Vec<(f64, f64)>,
}

impl Series {
    fn has_accuracy(&self) -> bool {
        !self.train.is_empty() || !self.devel.is_empty()
    }
}

fn draw_cost(area: &DrawingArea<SVGBackend<'_>, Shift>, series: &Series) -> DrawResult {
    // Cross-entropy is never negative, so the axis starts at 0 and the
    // curve's drop reads as a fraction of its height. The top 23%
    // (1 − 1/1.3) is left free for the legend.
    let highest = series
        .cost
        .iter()
        .map(|&(_, cost)| cost)
        .fold(0.0, f64::max);
    let top = if highest > 0.0 { highest * 1.3 } else { 1.0 };

    let mut chart = ChartBuilder::on(area)
        .caption("Training cost", (FONT, 22))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(series.epochs.clone(), 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("mean cross-entropy (nats)")
        .x_labels(series.epoch_labels)
        .x_label_formatter(&integer_label)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()?;

    draw_line(
        &mut chart,
        &series.cost,
        TRAIN_COLOUR,
        "train (mean of the minibatch costs)",
    )?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
}

fn draw_accuracy(area: &DrawingArea<SVGBackend<'_>, Shift>, series: &Series) -> DrawResult {
    // The axis ends at 1 and starts at a tenth low enough that the lowest
    // point sits in the upper 80%, above the legend, so that differences of
    // a few points of accuracy stay visible.
    let lowest = series
        .train
        .iter()
        .chain(&series.devel)
        .map(|&(_, accuracy)| accuracy)
        .fold(1.0, f64::min);
    let bottom = (((lowest - 0.2) / 0.8 * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    let top = 1.0 + (1.0 - bottom) * 0.02;

    let mut chart = ChartBuilder::on(area)
        .caption("Accuracy", (FONT, 22))
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d(series.epochs.clone(), bottom..top)?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc("accuracy (fraction)")
        .x_labels(series.epoch_labels)
        .x_label_formatter(&integer_label)
        .y_label_formatter(&|value| format!("{value:.2}"))
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 17))
        .draw()?;

    if !series.train.is_empty() {
        draw_line(&mut chart, &series.train, TRAIN_COLOUR, "train")?;
    }
    if !series.devel.is_empty() {
        draw_line(&mut chart, &series.devel, DEVEL_COLOUR, "devel")?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
}

/// Draws `points` as a line with a dot at each epoch and adds it to the
/// legend as `label`.
fn draw_line(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    points: &[(f64, f64)],
    colour: RGBColor,
    label: &str,
) -> DrawResult {
    chart
        .draw_series(LineSeries::new(points.to_vec(), colour.stroke_width(2)))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
    chart.draw_series(
        points
            .iter()
            .map(|&point| Circle::new(point, 4, colour.filled())),
    )?;
    Ok(())
}
