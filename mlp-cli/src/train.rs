//! `mlp train`: train a network on a domain, report it, save and plot it.

use std::io::Write;

use mlp::corpus::Corpus;
use mlp::metrics::{Evaluation, evaluate};
use mlp::plot::{LearningCurves, save_parameter_plots};
use mlp::progress::ProgressObserver;
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
    let records = run_epochs(args, &mut net, &train_set, devel, out)?;

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
        LearningCurves::new(&records).title(title).save(path)?;
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

/// Trains the network, writing a line per epoch to `out` while the
/// progress bar goes to standard error, and returns the epoch records.
fn run_epochs<F: Float>(
    args: &TrainArgs,
    net: &mut Mlp<F>,
    train_set: &Dataset<F>,
    devel: Option<&Dataset<F>>,
    out: &mut dyn Write,
) -> Result<Vec<EpochRecord>, CliError> {
    let mut sgd = Sgd::new(args.epochs, args.batch_size, args.learning_rate)?.evaluate_train(true);
    if args.shuffle {
        sgd = sgd.shuffled(args.seed);
    }
    let mut observer = EpochLines {
        progress: ProgressObserver::new().without_summaries(),
        out,
        failure: None,
    };
    let records = sgd.train(net, train_set, devel, &mut observer)?;
    match observer.failure {
        Some(error) => Err(CliError::Output(error)),
        None => Ok(records),
    }
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

/// Draws the progress bar and writes one line per epoch to `out`, keeping
/// the first write error, since an observer cannot return one.
struct EpochLines<'a> {
    progress: ProgressObserver,
    out: &'a mut dyn Write,
    failure: Option<std::io::Error>,
}

impl Observer for EpochLines<'_> {
    fn epoch_started(&mut self, epoch: usize, epochs: usize, batches: usize) {
        self.progress.epoch_started(epoch, epochs, batches);
    }

    fn batch_finished(&mut self, batch: usize, batches: usize, cost: f64) {
        self.progress.batch_finished(batch, batches, cost);
    }

    fn epoch_finished(&mut self, record: &EpochRecord, epochs: usize) {
        self.progress.epoch_finished(record, epochs);
        let accuracy = |evaluation: Option<Evaluation>| match evaluation {
            Some(evaluation) => format!("{:.6}", evaluation.accuracy),
            None => "-".to_owned(),
        };
        let line = writeln!(
            self.out,
            "epoch {:>3}/{epochs}: mean cost {:.6} nats, train accuracy {}, \
             devel accuracy {}, {:.3} s",
            record.epoch,
            record.mean_cost,
            accuracy(record.train),
            accuracy(record.devel),
            record.seconds
        );
        if let Err(error) = line {
            self.failure.get_or_insert(error);
        }
    }
}
