//! Minibatch stochastic gradient descent, the lab's `SGD_train`.

use std::time::Instant;

use ndarray::{Array2, ArrayViewD, ArrayViewMutD};

use crate::batch::{Dataset, Inputs, permutation};
use crate::error::{Error, Result};
use crate::float::Float;
use crate::metrics::{Evaluation, evaluate};
use crate::network::{Architecture, Network, check_batch};
use crate::rng::MersenneTwister;

/// Settings of minibatch SGD, checked when they are made.
///
/// ```
/// use mlp_runtime::train::Sgd;
///
/// let sgd = Sgd::new(2, 5, 0.05)?;
/// assert!(Sgd::new(2, 0, 0.05).is_err());
/// # Ok::<(), mlp_runtime::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd {
    epochs: usize,
    batch_size: usize,
    learning_rate: f64,
    shuffle_seed: Option<u32>,
    divergence_factor: Option<f64>,
}

/// The default of [`Sgd::divergence_factor`]: a minibatch whose cost is more
/// than this many times the first minibatch's cost stops training.
pub const DIVERGENCE_FACTOR: f64 = 1000.0;

/// The record of one epoch of training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochRecord {
    /// Number of the epoch within its call to [`Sgd::train`], from 1.
    pub epoch: usize,
    /// Number of minibatches in the epoch.
    pub batches: usize,
    /// Examples per minibatch (the last one may have fewer).
    pub batch_size: usize,
    /// Wall-clock seconds the epoch's updates took, evaluation excluded.
    pub seconds: f64,
    /// Mean over the minibatches of each one's cost before its update.
    pub mean_cost: f64,
    /// Accuracy and log-probability on the devel set after the epoch, when
    /// one was given.
    pub devel: Option<Evaluation>,
}

/// Receives the progress of training. Every method does nothing by
/// default, and `()` is the silent observer.
pub trait Observer {
    /// Called before the first minibatch of an epoch.
    fn epoch_started(&mut self, _epoch: usize, _epochs: usize, _batches: usize) {}

    /// Called after each minibatch with its number (from 1) and cost.
    fn batch_finished(&mut self, _batch: usize, _batches: usize, _cost: f64) {}

    /// Called at the end of each epoch, after the devel evaluation.
    fn epoch_finished(&mut self, _record: &EpochRecord, _epochs: usize) {}
}

impl Observer for () {}

impl Sgd {
    /// Creates the settings of `epochs` passes over the data in minibatches
    /// of `batch_size` consecutive examples, with the update
    /// `parameter −= learning_rate · gradient`. Examples are not shuffled,
    /// as in the lab.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when `epochs` or `batch_size` is 0 or
    /// `learning_rate` is not finite and positive.
    pub fn new(epochs: usize, batch_size: usize, learning_rate: f64) -> Result<Self> {
        if epochs == 0 {
            return Err(Error::InvalidConfig(
                "the number of epochs must be at least 1".to_owned(),
            ));
        }
        if batch_size == 0 {
            return Err(Error::InvalidConfig(
                "the batch size must be at least 1".to_owned(),
            ));
        }
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(Error::InvalidConfig(format!(
                "the learning rate must be finite and positive, got {learning_rate}"
            )));
        }
        Ok(Sgd {
            epochs,
            batch_size,
            learning_rate,
            shuffle_seed: None,
            divergence_factor: Some(DIVERGENCE_FACTOR),
        })
    }

    /// Shuffles the examples before each epoch, with a permutation drawn
    /// from a Mersenne Twister seeded with `seed`, so that runs repeat.
    pub fn shuffled(mut self, seed: u32) -> Self {
        self.shuffle_seed = Some(seed);
        self
    }

    /// Sets when a finite cost counts as divergence: training stops with
    /// [`Error::Diverged`] at the first minibatch whose cost is more than
    /// `factor` times the cost of the first minibatch of the call to
    /// [`Sgd::train`]. `None` stops only on NaN or infinite values. The
    /// default is [`DIVERGENCE_FACTOR`].
    ///
    /// A stable implementation seldom overflows: at a learning rate far too
    /// large, the sigmoid units saturate and the cost stays huge but
    /// finite, so the non-finite check alone would let such a run finish
    /// and report the accuracy of a broken network.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] when `factor` is not finite and
    /// above 1.
    pub fn divergence_factor(mut self, factor: Option<f64>) -> Result<Self> {
        if let Some(factor) = factor
            && !(factor.is_finite() && factor > 1.0)
        {
            return Err(Error::InvalidConfig(format!(
                "the divergence factor must be finite and above 1, got {factor}"
            )));
        }
        self.divergence_factor = factor;
        Ok(self)
    }

    /// Returns the number of epochs.
    pub fn epochs(&self) -> usize {
        self.epochs
    }

    /// Returns the number of examples per minibatch.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Returns the learning rate.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Trains `network` on `train`, evaluating on `devel` after each epoch
    /// when it is given, and reports progress to `observer`.
    ///
    /// Returns one record per epoch.
    ///
    /// # Errors
    ///
    /// Returns [`Error::InvalidConfig`] for an empty training set, and the
    /// errors of [`check_batch`] for data that does not fit the network;
    /// both before any parameter changes. Returns [`Error::Diverged`],
    /// naming the epoch and minibatch, as soon as a cost or a parameter is
    /// NaN or infinite.
    pub fn train<F: Float, N: Network<F> + ?Sized>(
        &self,
        network: &mut N,
        train: &Dataset<F>,
        devel: Option<&Dataset<F>>,
        observer: &mut dyn Observer,
    ) -> Result<Vec<EpochRecord>> {
        if train.is_empty() {
            return Err(Error::InvalidConfig(
                "the training set has no examples".to_owned(),
            ));
        }
        check_batch(
            &train.x.inputs(),
            Some(&train.y),
            network.input_width(),
            network.classes(),
        )?;
        if let Some(devel) = devel {
            check_batch(
                &devel.x.inputs(),
                Some(&devel.y),
                network.input_width(),
                network.classes(),
            )?;
        }

        let learning_rate = F::from_f64(self.learning_rate);
        let mut rng = self.shuffle_seed.map(MersenneTwister::new);
        let mut records = Vec::with_capacity(self.epochs);
        let mut cost_limit = None;
        for epoch in 1..=self.epochs {
            let shuffled = rng
                .as_mut()
                .map(|rng| train.select(&permutation(train.len(), rng)));
            let data = shuffled.as_ref().unwrap_or(train);
            let batches = data.minibatches(self.batch_size);
            let count = batches.len();
            observer.epoch_started(epoch, self.epochs, count);

            let start = Instant::now();
            let mut total_cost = 0.0;
            for batch in batches {
                let number = batch.index + 1;
                let diverged = |what: String| Error::Diverged {
                    epoch,
                    batch: number,
                    what,
                    learning_rate: self.learning_rate,
                };
                let cost = match network.train_step(batch.x, batch.y, learning_rate) {
                    Ok(cost) => cost.as_f64(),
                    Err(Error::NonFinite { what }) => {
                        return Err(diverged(format!("{what} is not finite")));
                    }
                    Err(error) => return Err(error),
                };
                if !cost.is_finite() {
                    return Err(diverged(format!("the cost is {cost}")));
                }
                if let (Some(factor), None) = (self.divergence_factor, cost_limit) {
                    cost_limit = Some((cost * factor, cost));
                }
                if let Some((limit, first)) = cost_limit
                    && cost > limit
                {
                    return Err(diverged(format!(
                        "the cost {cost:.6} is more than {} times the first minibatch's {first:.6}",
                        self.divergence_factor.unwrap_or_default()
                    )));
                }
                total_cost += cost;
                observer.batch_finished(number, count, cost);
            }
            let seconds = start.elapsed().as_secs_f64();

            let record = EpochRecord {
                epoch,
                batches: count,
                batch_size: self.batch_size,
                seconds,
                mean_cost: total_cost / count as f64,
                devel: devel.map(|devel| evaluate(network, devel)).transpose()?,
            };
            observer.epoch_finished(&record, self.epochs);
            records.push(record);
        }
        Ok(records)
    }
}

/// A network whose SGD step computes the gradients and then applies them as
/// two separate calls, whatever its own [`Network::train_step`] does: the
/// lab's "compiled gradients, update outside" variant.
#[derive(Debug)]
pub struct Unfused<'a, N: ?Sized>(pub &'a mut N);

impl<F: Float, N: Network<F> + ?Sized> Network<F> for Unfused<'_, N> {
    type Gradients = N::Gradients;

    fn input_width(&self) -> usize {
        self.0.input_width()
    }

    fn classes(&self) -> usize {
        self.0.classes()
    }

    fn architecture(&self) -> Architecture {
        self.0.architecture()
    }

    fn forward(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        self.0.forward(x)
    }

    fn log_probabilities(&self, x: Inputs<'_, F>) -> Result<Array2<F>> {
        self.0.log_probabilities(x)
    }

    fn cost(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<F> {
        self.0.cost(x, y)
    }

    fn cost_and_gradients(&self, x: Inputs<'_, F>, y: &[usize]) -> Result<(F, N::Gradients)> {
        self.0.cost_and_gradients(x, y)
    }

    fn apply_gradients(&mut self, gradients: &N::Gradients, learning_rate: F) -> Result<()> {
        self.0.apply_gradients(gradients, learning_rate)
    }

    fn train_step(&mut self, x: Inputs<'_, F>, y: &[usize], learning_rate: F) -> Result<F> {
        check_batch(&x, Some(y), self.input_width(), self.classes())?;
        if y.is_empty() {
            return Ok(F::zero());
        }
        let (cost, gradients) = self.0.cost_and_gradients(x, y)?;
        self.0.apply_gradients(&gradients, learning_rate)?;
        Ok(cost)
    }

    fn parameter_names(&self) -> Vec<String> {
        self.0.parameter_names()
    }

    fn parameter(&self, name: &str) -> Option<ArrayViewD<'_, F>> {
        self.0.parameter(name)
    }

    fn parameter_mut(&mut self, name: &str) -> Option<ArrayViewMutD<'_, F>> {
        self.0.parameter_mut(name)
    }
}
