//! `mlp train`: train a network on a domain, report it, save and plot it.

use std::io::Write;

use mlp::batch::permutation;
use mlp::corpus::Corpus;
use mlp::metrics::{Evaluation, evaluate};
use mlp::plot::{LearningCurves, save_parameter_plots};
use mlp::progress::ProgressObserver;
use mlp::rng::MersenneTwister;
use mlp::{Activation, Dataset, EpochRecord, Float, Mlp, Observer, Sgd, model};

use crate::args::{FloatType, TrainArgs};
use crate::data::{check_output_directory, check_output_file, corpus_name, load_corpus};
use crate::error::CliError;

/// Runs `mlp train`, writing the report to `out`.
pub fn run(args: &TrainArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let hidden_activations = hidden_activations(args)?;
    if let Some(path) = &args.save {
        check_output_file("--save", path)?;
    }
    if let Some(path) = &args.plot {
        check_output_file("--plot", path)?;
    }
    if let Some(path) = &args.plot_weights {
        check_output_directory("--plot-weights", path)?;
    }

    let corpus = load_corpus(&args.corpus, args.min_count, args.feature_order.into())?;
    if corpus.split_sizes().train == 0 {
        return Err(CliError::Usage(format!(
            "the training split is empty: --train-fraction {} of {} reviews",
            args.corpus.train_fraction,
            corpus.len()
        )));
    }
    let mut activations = hidden_activations;
    activations.push(Activation::Softmax);
    match args.float {
        FloatType::F32 => train::<f32>(args, &corpus, &activations, out),
        FloatType::F64 => train::<f64>(args, &corpus, &activations, out),
    }
}

/// Returns one activation per hidden layer: the `--activation` list, or
/// its single entry repeated, or sigmoid.
fn hidden_activations(args: &TrainArgs) -> Result<Vec<Activation>, CliError> {
    let layers = args.hidden.len();
    let Some(names) = &args.activation else {
        return Ok(vec![Activation::Sigmoid; layers]);
    };
    if layers == 0 {
        return Err(CliError::Usage(
            "--activation sets the activation of hidden layers, but no --hidden layer was \
             given; the log-linear model has only its softmax output layer"
                .to_owned(),
        ));
    }
    match names.len() {
        1 => Ok(vec![names[0].into(); layers]),
        count if count == layers => Ok(names.iter().map(|&name| name.into()).collect()),
        count => Err(CliError::Usage(format!(
            "--activation lists {count} activations for {layers} hidden layers; give one for \
             all of them or one per layer"
        ))),
    }
}

fn train<F: Float>(
    args: &TrainArgs,
    corpus: &Corpus,
    activations: &[Activation],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut geometry = vec![corpus.n_features()];
    geometry.extend(&args.hidden);
    geometry.push(2);
    let mut net = Mlp::<F>::new(&geometry, activations, args.seed)?;

    let dense = |data: Dataset<F>| if args.dense { data.to_dense() } else { data };
    let train_set = dense(corpus.train::<F>());
    let devel_set = dense(corpus.devel::<F>());
    let test_set = dense(corpus.test::<F>());
    let devel = (!devel_set.is_empty()).then_some(&devel_set);

    write_header(args, corpus, &net, out)?;
    let (records, train_accuracy) = run_epochs(args, &mut net, &train_set, devel, out)?;

    let train_result = evaluate(&net, &train_set)?;
    let mut summary = format!("train accuracy {}", describe(&train_result));
    if let Some(devel) = devel {
        summary.push_str(&format!(
            ", devel accuracy {}",
            describe(&evaluate(&net, devel)?)
        ));
    }
    if test_set.is_empty() {
        summary.push_str(", no test reviews");
    } else {
        summary.push_str(&format!(
            ", test accuracy {}",
            describe(&evaluate(&net, &test_set)?)
        ));
    }
    writeln!(out, "{summary}")?;

    if let Some(path) = &args.save {
        model::save(path, &net, Some(corpus.features().names()))?;
        writeln!(out, "saved the model to {}", path.display())?;
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{}: {:?} {}, minibatches of {}, learning rate {}",
            corpus_name(corpus),
            geometry,
            activation_names(activations),
            args.batch_size,
            args.learning_rate
        );
        LearningCurves::new(&records)
            .train_accuracy(&train_accuracy)
            .title(title)
            .save(path)?;
        writeln!(out, "wrote the learning curves to {}", path.display())?;
    }
    if let Some(directory) = &args.plot_weights {
        let written = save_parameter_plots(directory, &net)?;
        writeln!(
            out,
            "wrote {} parameter plots to {}",
            written.len(),
            directory.display()
        )?;
    }
    Ok(())
}

/// Trains one epoch at a time so that the training accuracy can be
/// measured after each, and returns the epoch records with those
/// accuracies. Prints a line per epoch to `out`; the progress bar and the
/// trainer's own epoch lines go to standard error.
fn run_epochs<F: Float>(
    args: &TrainArgs,
    net: &mut Mlp<F>,
    train_set: &Dataset<F>,
    devel: Option<&Dataset<F>>,
    out: &mut dyn Write,
) -> Result<(Vec<EpochRecord>, Vec<f64>), CliError> {
    // One call of the trainer per epoch gives the same updates as one call
    // for all epochs, because the trainer draws each epoch's order from a
    // generator seeded once, as this loop does.
    // NOTE: the trainer's divergence check compares each minibatch's cost
    // with the first minibatch of its call, here of its epoch, not of the
    // whole run.
    let sgd = Sgd::new(1, args.batch_size, args.learning_rate)?;
    let mut order_rng = args.shuffle.then(|| MersenneTwister::new(args.seed));
    let mut progress = ProgressObserver::new();
    let mut records = Vec::with_capacity(args.epochs);
    let mut train_accuracy = Vec::with_capacity(args.epochs);

    for epoch in 1..=args.epochs {
        let shuffled = order_rng
            .as_mut()
            .map(|rng| train_set.select(&permutation(train_set.len(), rng)));
        let data = shuffled.as_ref().unwrap_or(train_set);
        let mut observer = NumberedEpoch {
            inner: &mut progress,
            epoch,
            epochs: args.epochs,
        };
        let mut record = match sgd.train(net, data, devel, &mut observer) {
            Ok(mut records) => records.remove(0),
            Err(mlp::Error::Diverged {
                batch,
                what,
                learning_rate,
                ..
            }) => {
                return Err(mlp::Error::Diverged {
                    epoch,
                    batch,
                    what,
                    learning_rate,
                }
                .into());
            }
            Err(error) => return Err(error.into()),
        };
        record.epoch = epoch;
        let accuracy = evaluate(net, train_set)?.accuracy;

        let devel_text = match record.devel {
            Some(devel) => format!("{:.6}", devel.accuracy),
            None => "-".to_owned(),
        };
        writeln!(
            out,
            "epoch {epoch:>3}/{}: mean cost {:.6} nats, train accuracy {accuracy:.6}, \
             devel accuracy {devel_text}, {:.3} s",
            args.epochs, record.mean_cost, record.seconds
        )?;
        records.push(record);
        train_accuracy.push(accuracy);
    }
    Ok((records, train_accuracy))
}

fn write_header<F: Float>(
    args: &TrainArgs,
    corpus: &Corpus,
    net: &Mlp<F>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let sizes = corpus.split_sizes();
    writeln!(
        out,
        "corpus {} ({}): {} reviews, {} features; train {}, devel {}, test {}",
        corpus_name(corpus),
        corpus.path().display(),
        corpus.len(),
        corpus.n_features(),
        sizes.train,
        sizes.devel,
        sizes.test
    )?;
    writeln!(
        out,
        "network {:?}, activations {}, {}, {} input",
        net.geometry(),
        activation_names(&net.activations()),
        F::NAME,
        if args.dense { "dense" } else { "sparse" }
    )?;
    writeln!(
        out,
        "SGD: {} epochs, minibatches of {}, learning rate {}, {}, seed {}",
        args.epochs,
        args.batch_size,
        args.learning_rate,
        if args.shuffle {
            "shuffled each epoch"
        } else {
            "corpus order"
        },
        args.seed
    )?;
    Ok(())
}

/// Formats an evaluation as accuracy and counts: `0.747500 (299 of 400)`.
fn describe(evaluation: &Evaluation) -> String {
    let right = (evaluation.accuracy * evaluation.examples as f64).round() as usize;
    format!(
        "{:.6} ({right} of {})",
        evaluation.accuracy, evaluation.examples
    )
}

fn activation_names(activations: &[Activation]) -> String {
    let names: Vec<&str> = activations.iter().map(|a| a.name()).collect();
    names.join(", ")
}

/// Passes the trainer's progress to `inner` under the epoch number of the
/// whole run, since each call of the trainer counts its epochs from 1.
struct NumberedEpoch<'a> {
    inner: &'a mut dyn Observer,
    epoch: usize,
    epochs: usize,
}

impl Observer for NumberedEpoch<'_> {
    fn epoch_started(&mut self, _epoch: usize, _epochs: usize, batches: usize) {
        self.inner.epoch_started(self.epoch, self.epochs, batches);
    }

    fn batch_finished(&mut self, batch: usize, batches: usize, cost: f64) {
        self.inner.batch_finished(batch, batches, cost);
    }

    fn epoch_finished(&mut self, record: &EpochRecord, _epochs: usize) {
        let record = EpochRecord {
            epoch: self.epoch,
            ..*record
        };
        self.inner.epoch_finished(&record, self.epochs);
    }
}
