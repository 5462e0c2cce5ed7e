//! `mlp predict`: classify review lines with a saved model.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use mlp::corpus::{LABEL_PREFIX, LineError, Review, parse_line};
use mlp::metrics::predictions;
use mlp::model;
use mlp::sparse::CsrBuilder;
use mlp::{Float, Inputs, Mlp, Network};

use crate::args::PredictArgs;
use crate::data::{FeatureIndex, class_name};
use crate::error::CliError;

/// Number of reviews classified together when the input is not a terminal.
const CHUNK_LINES: usize = 256;

/// Runs `mlp predict`, writing one line per review to `out` and one error
/// line per invalid review to `errors`.
pub fn run(
    args: &PredictArgs,
    out: &mut dyn Write,
    errors: &mut dyn Write,
) -> Result<(), CliError> {
    let model = model::load(&args.model)?;
    let index = FeatureIndex::of_model(&model)?;

    let from_stdin = match &args.input {
        None => true,
        Some(path) => path.as_os_str() == "-",
    };
    let (input, source, chunk): (Box<dyn BufRead>, PathBuf, usize) = if from_stdin {
        let stdin = std::io::stdin();
        // A person typing reviews gets each prediction at once.
        let chunk = if stdin.is_terminal() { 1 } else { CHUNK_LINES };
        (
            Box::new(stdin.lock()),
            PathBuf::from("standard input"),
            chunk,
        )
    } else {
        let path = args.input.clone().unwrap_or_default();
        let file = File::open(&path).map_err(|source| CliError::Read {
            path: path.clone(),
            source,
        })?;
        (Box::new(BufReader::new(file)), path, CHUNK_LINES)
    };

    match model.float_type() {
        "f32" => {
            Classifier::new(&model.to_mlp::<f32>()?, &index, chunk).run(input, &source, out, errors)
        }
        _ => {
            Classifier::new(&model.to_mlp::<f64>()?, &index, chunk).run(input, &source, out, errors)
        }
    }
}

/// Parses a review line whose `#label#:` token may be missing. The label of
/// a line that has one is checked but not used.
pub fn parse_review(line: &str) -> Result<Review, LineError> {
    let labelled = line
        .split_ascii_whitespace()
        .last()
        .is_some_and(|token| token.starts_with(LABEL_PREFIX));
    if labelled {
        parse_line(line)
    } else {
        parse_line(&format!("{line} {LABEL_PREFIX}positive"))
    }
}

/// A network with the reviews waiting for it, which it classifies
/// `chunk` at a time.
struct Classifier<'a, F> {
    net: &'a Mlp<F>,
    index: &'a FeatureIndex,
    /// Line number and sparse row of each waiting review.
    pending: Vec<(usize, Vec<(u32, F)>)>,
    chunk: usize,
}

impl<'a, F: Float> Classifier<'a, F> {
    fn new(net: &'a Mlp<F>, index: &'a FeatureIndex, chunk: usize) -> Self {
        Classifier {
            net,
            index,
            pending: Vec::new(),
            chunk,
        }
    }

    /// Classifies every review of `input`, reporting invalid lines to
    /// `errors` and going on with the next line.
    fn run(
        mut self,
        input: Box<dyn BufRead>,
        source: &Path,
        out: &mut dyn Write,
        errors: &mut dyn Write,
    ) -> Result<(), CliError> {
        let mut lines = 0;
        let mut invalid = 0;
        for (position, raw) in input.split(b'\n').enumerate() {
            let raw = raw.map_err(|source_error| CliError::Read {
                path: source.to_owned(),
                source: source_error,
            })?;
            let number = position + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(&raw);
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            lines += 1;

            let review = std::str::from_utf8(raw)
                .map_err(|error| format!("invalid UTF-8 after byte {}", error.valid_up_to()))
                .and_then(|text| parse_review(text).map_err(|error| error.to_string()));
            match review {
                Ok(review) => {
                    self.pending.push((number, self.index.review_row(&review)));
                    if self.pending.len() >= self.chunk {
                        self.classify(out)?;
                    }
                }
                Err(message) => {
                    invalid += 1;
                    // Earlier reviews are printed first, so that the output
                    // stays in line order.
                    self.classify(out)?;
                    writeln!(
                        errors,
                        "error: {}: line {number}: {message}",
                        source.display()
                    )?;
                }
            }
        }
        self.classify(out)?;

        if invalid > 0 {
            return Err(CliError::InvalidLines { invalid, lines });
        }
        Ok(())
    }

    /// Classifies the pending reviews and prints a line for each.
    fn classify(&mut self, out: &mut dyn Write) -> Result<(), CliError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut builder = CsrBuilder::new(self.index.width());
        for (_, row) in &self.pending {
            builder
                .push_row(row.iter().copied())
                .expect("review rows have sorted columns below the model's width");
        }
        let x = builder.finish();
        let probabilities = self.net.forward(Inputs::Sparse(x.view()))?;
        let classes = predictions(probabilities.view());

        for ((number, _), (row, &class)) in self
            .pending
            .iter()
            .zip(probabilities.rows().into_iter().zip(&classes))
        {
            writeln!(
                out,
                "{number}\t{}\t{:.6}",
                class_name(class),
                row[class].as_f64()
            )?;
        }
        out.flush()?;
        self.pending.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use mlp::corpus::{NEGATIVE, POSITIVE};

    use super::*;

    #[test]
    fn label_is_optional() {
        let review = parse_review("good:2 great:1").unwrap();
        assert_eq!(review.features.len(), 2);

        let labelled = parse_review("bad:1 #label#:negative").unwrap();
        assert_eq!(labelled.label, NEGATIVE);
        assert_eq!(labelled.features, vec![("bad".to_owned(), 1)]);

        let only_label = parse_review("#label#:positive").unwrap();
        assert_eq!(only_label.label, POSITIVE);
        assert!(only_label.features.is_empty());
    }

    #[test]
    fn invalid_tokens_rejected() {
        assert!(parse_review("good:x").is_err());
        assert!(parse_review("good").is_err());
        assert!(parse_review("good:1 #label#:neutral").is_err());
    }
}
