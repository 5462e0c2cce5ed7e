//! The help texts of `mlp` and its subcommands.
//!
//! `help_matches_snapshots` compares each `--help` output verbatim with
//! `tests/snapshots/help-<command>.txt`, so that a change of wording or of
//! an option shows up in review. After changing the options, rewrite the
//! snapshots with
//!
//! ```sh
//! MLP_UPDATE_SNAPSHOTS=1 cargo test -p mlp-cli --test help
//! ```
//!
//! and read the diff before committing it. The texts are rendered 100
//! columns wide (the tests set `COLUMNS`).

mod common;

use std::path::PathBuf;

use common::mlp;

/// The subcommands, and "" for `mlp` itself.
const COMMANDS: [&str; 5] = ["", "train", "eval", "predict", "info"];

/// Returns the `--help` output of `command`.
fn help(command: &str) -> String {
    let mut args: Vec<&str> = Vec::new();
    if !command.is_empty() {
        args.push(command);
    }
    args.push("--help");
    let run = mlp(&args);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run.success().to_owned()
}

fn snapshot_path(command: &str) -> PathBuf {
    let name = if command.is_empty() { "mlp" } else { command };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("snapshots")
        .join(format!("help-{name}.txt"))
}

/// Returns the help text of `option` in `text`: the line that names it and
/// the lines after it, up to the line of the next option.
fn option_help<'a>(text: &'a str, option: &str) -> &'a str {
    let start = text
        .find(&format!("      {option} "))
        .or_else(|| text.find(&format!("      {option}\n")))
        .unwrap_or_else(|| panic!("{option} is not in the help:\n{text}"));
    let rest = &text[start..];
    let mut end = 0;
    for (index, line) in rest.split_inclusive('\n').enumerate() {
        let next_option = line.starts_with("      --") || line.starts_with("  -h");
        if index > 0 && next_option {
            break;
        }
        end += line.len();
    }
    &rest[..end]
}

#[test]
fn help_matches_snapshots() {
    let update = std::env::var_os("MLP_UPDATE_SNAPSHOTS").is_some();
    for command in COMMANDS {
        let text = help(command);
        let path = snapshot_path(command);
        if update {
            std::fs::write(&path, &text).expect("the snapshot is written");
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!(
                "cannot read {}: {error}; create it with MLP_UPDATE_SNAPSHOTS=1",
                path.display()
            )
        });
        assert_eq!(
            text,
            expected,
            "`mlp {command} --help` differs from {}; if the change is intended, rerun with \
             MLP_UPDATE_SNAPSHOTS=1 and review the diff",
            path.display()
        );
    }
}

#[test]
fn help_lists_subcommands() {
    let text = help("");
    for command in &COMMANDS[1..] {
        assert!(
            text.contains(&format!("\n  {command} ")),
            "{command} is missing:\n{text}"
        );
    }
}

#[test]
fn options_state_units_and_defaults() {
    let cases = [
        ("train", "--hidden <UNITS>", "in units"),
        ("train", "--hidden <UNITS>", "log-linear model"),
        ("train", "--activation <NAME>", "[default: sigmoid]"),
        ("train", "--epochs <N>", "[default: 8]"),
        ("train", "--batch-size <N>", "reviews per minibatch"),
        ("train", "--batch-size <N>", "[default: 128]"),
        ("train", "--learning-rate <RATE>", "[default: 0.05]"),
        ("train", "--seed <SEED>", "[default: 1234]"),
        ("train", "--shuffle", "before each epoch"),
        ("train", "--dense", "reviews × features"),
        ("train", "--float <TYPE>", "[default: f64]"),
        ("train", "--min-count <COUNT>", "[default: 5]"),
        ("train", "--feature-order <ORDER>", "[default: lab]"),
        ("train", "--save <FILE>", "safetensors"),
        ("train", "--plot <FILE>", "SVG"),
        ("train", "--plot-weights <DIR>", "W1.svg"),
        ("train", "--train-fraction <FRACTION>", "[default: 0.8]"),
        ("train", "--devel-fraction <FRACTION>", "[default: 0]"),
        ("train", "--domain <NAME>", "[default: books]"),
        ("train", "--data-dir <DIR>", "MLP_DATA_DIR"),
        ("eval", "--model <FILE>", "mlp train --save"),
        ("eval", "--split <SPLIT>", "[default: test]"),
        ("info", "--min-count <COUNT>", "[default: 5]"),
        ("predict", "--model <FILE>", "mlp train --save"),
    ];
    for (command, option, phrase) in cases {
        let text = help(command);
        let entry = option_help(&text, option);
        let entry = entry.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            entry.contains(phrase),
            "`mlp {command} --help` says of {option}: {entry:?}, without {phrase:?}"
        );
    }
}

#[test]
fn predict_help_explains_output() {
    let text = help("predict");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for phrase in [
        "standard input when absent or \"-\"",
        "the line number, the predicted class (positive or negative) and its probability",
        "An invalid line prints an error naming its number",
        "Blank lines are skipped",
    ] {
        assert!(
            text.contains(phrase),
            "predict help lacks {phrase:?}: {text}"
        );
    }
}
