//! Helpers of the command-line tests: synthetic corpora and a runner of the
//! built `mlp` binary.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// What one run of `mlp` returned.
#[derive(Debug)]
pub struct Run {
    /// The exit status; -1 when a signal ended the process.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts that the run succeeded and returns its standard output.
    pub fn success(&self) -> &str {
        assert_eq!(self.code, 0, "mlp failed; stderr:\n{}", self.stderr);
        &self.stdout
    }

    /// Asserts that the run failed with `code` and one `error: ` line on
    /// standard error, and returns that line.
    pub fn failure(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "exit status; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr: {:?}", self.stderr);
        assert!(lines[0].starts_with("error: "), "{:?}", lines[0]);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        lines[0]
    }
}

/// Runs the `mlp` binary with `args` and no `MLP_DATA_DIR`, so that only
/// `--data-dir` can find a corpus.
pub fn mlp(args: &[&str]) -> Run {
    run(args, None, false)
}

/// Runs `mlp` with `input` on its standard input.
pub fn mlp_with_input(args: &[&str], input: &str) -> Run {
    run(args, Some(input), false)
}

/// Runs `mlp` with the caller's `MLP_DATA_DIR`.
pub fn mlp_with_data_dir_var(args: &[&str]) -> Run {
    run(args, None, true)
}

fn run(args: &[&str], input: Option<&str>, keep_data_dir: bool) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mlp"));
    command
        .args(args)
        .env("COLUMNS", "100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !keep_data_dir {
        command.env_remove("MLP_DATA_DIR");
    }
    let mut child = command.spawn().expect("the mlp binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    if let Some(input) = input {
        stdin
            .write_all(input.as_bytes())
            .expect("mlp reads its input");
    }
    drop(stdin);
    let output = child.wait_with_output().expect("mlp runs to the end");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Words that only positive reviews use.
const POSITIVE_WORDS: [&str; 4] = ["great", "loved_it", "excellent", "a_must"];

/// Words that only negative reviews use.
const NEGATIVE_WORDS: [&str; 4] = ["awful", "boring", "waste_of", "disappointing"];

/// Words of both classes.
const SHARED_WORDS: [&str; 6] = ["the", "book", "story", "author", "read", "page"];

/// Returns review `index` of a class as a processed_acl line: two sentiment
/// words, three shared words and a rare word, with varying counts.
pub fn review_line(positive: bool, index: usize) -> String {
    let (words, label) = if positive {
        (POSITIVE_WORDS, "positive")
    } else {
        (NEGATIVE_WORDS, "negative")
    };
    let mut tokens = vec![
        format!("{}:{}", words[index % 4], 1 + index % 3),
        format!("{}:1", words[(index + 1) % 4]),
    ];
    for offset in 0..3 {
        let word = SHARED_WORDS[(index + offset * 2) % SHARED_WORDS.len()];
        tokens.push(format!("{word}:{}", 1 + (index + offset) % 2));
    }
    tokens.push(format!("rare_{index}_{label}:1"));
    tokens.push(format!("#label#:{label}"));
    tokens.join(" ")
}

/// Writes `<dir>/<domain>/positive.review` and `negative.review` with
/// `reviews` lines each.
pub fn write_corpus(dir: &Path, domain: &str, reviews: usize) {
    let domain_dir = dir.join(domain);
    std::fs::create_dir_all(&domain_dir).expect("the domain directory is created");
    for (positive, file) in [(true, "positive.review"), (false, "negative.review")] {
        let lines: Vec<String> = (0..reviews)
            .map(|index| review_line(positive, index))
            .collect();
        std::fs::write(domain_dir.join(file), lines.join("\n") + "\n")
            .expect("the review file is written");
    }
}

/// Returns the number that follows the last `label` in `text`, such as the
/// accuracy in `test accuracy 0.950000 (38 of 40)`.
pub fn number_after(text: &str, label: &str) -> f64 {
    let start = text
        .rfind(label)
        .unwrap_or_else(|| panic!("{label:?} is not in:\n{text}"))
        + label.len();
    let number: String = text[start..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    number
        .parse()
        .unwrap_or_else(|_| panic!("no number after {label:?} in:\n{text}"))
}
