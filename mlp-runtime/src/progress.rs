//! A training observer that shows progress on the terminal.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressStyle};

use crate::train::{EpochRecord, Observer};

/// Draws a progress bar of the minibatches of each epoch on standard error
/// and writes one summary line per epoch there. When standard error is not
/// a terminal, it writes the summary lines alone.
///
/// ```no_run
/// use mlp_runtime::progress::ProgressObserver;
/// # use mlp_runtime::{Activation, Dataset, Matrix, Mlp, train::Sgd};
/// # let data = Dataset::new(Matrix::Dense(ndarray::Array2::<f64>::zeros((4, 3))), vec![0, 1, 0, 1]);
/// # let mut net = Mlp::new(&[3, 2], &[Activation::Softmax], 1)?;
/// Sgd::new(2, 5, 0.05)?.train(&mut net, &data, None, &mut ProgressObserver::new())?;
/// # Ok::<(), mlp_runtime::Error>(())
/// ```
#[derive(Debug)]
pub struct ProgressObserver {
    bar: Option<ProgressBar>,
    terminal: bool,
    summaries: bool,
}

impl ProgressObserver {
    /// Creates an observer that draws a bar when standard error is a
    /// terminal.
    pub fn new() -> Self {
        ProgressObserver {
            bar: None,
            terminal: std::io::stderr().is_terminal(),
            summaries: true,
        }
    }

    /// Creates an observer that writes only the per-epoch summary lines.
    pub fn plain() -> Self {
        ProgressObserver {
            bar: None,
            terminal: false,
            summaries: true,
        }
    }

    /// Returns this observer without the per-epoch summary lines, for a
    /// program that writes its own.
    pub fn without_summaries(mut self) -> Self {
        self.summaries = false;
        self
    }
}

impl Default for ProgressObserver {
    fn default() -> Self {
        Self::new()
    }
}

impl Observer for ProgressObserver {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, batches: usize) {
        if !self.terminal {
            return;
        }
        let bar = ProgressBar::new(batches as u64);
        let style = ProgressStyle::with_template(
            "Epoch {msg} [{bar:30}] Batch {pos}/{len} ({percent}%) {elapsed_precise}",
        )
        .expect("the template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(format!("{epoch:>2}/{epochs:>2}"));
        self.bar = Some(bar);
    }

    fn batch_finished(&mut self, batch: usize, _batches: usize, _cost: f64) {
        if let Some(bar) = &self.bar {
            bar.set_position(batch as u64);
        }
    }

    fn epoch_finished(&mut self, record: &EpochRecord, epochs: usize) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if !self.summaries {
            return;
        }
        let mut line = format!(
            "Epoch {:>2}/{:>2}: {} batches of {} in {:.3} s, mean cost {:.6}",
            record.epoch,
            epochs,
            record.batches,
            record.batch_size,
            record.seconds,
            record.mean_cost
        );
        if let Some(train) = record.train {
            line.push_str(&format!(", train accuracy {:.6}", train.accuracy));
        }
        if let Some(devel) = record.devel {
            line.push_str(&format!(
                ", devel accuracy {:.6}, log-probability {:.3}",
                devel.accuracy, devel.log_probability
            ));
        }
        // A progress line that cannot be written is not worth stopping the
        // training for.
        let _ = writeln!(std::io::stderr(), "{line}");
    }
}
