//! `mlp` on the books domain of the real corpus, found through
//! `MLP_DATA_DIR`. Without the corpus these tests fail with the reader's
//! not-found message; they do not skip.

mod common;

use common::{mlp_with_data_dir_var, number_after};

#[test]
fn books_training_reaches_lab_accuracy() {
    // The first training run of the lab's exercise 6.2: 2 epochs in
    // minibatches of 5 at learning rate 0.05, seed 1234, lab feature order.
    let run = mlp_with_data_dir_var(&[
        "train",
        "--domain",
        "books",
        "--hidden",
        "20",
        "--epochs",
        "2",
        "--batch-size",
        "5",
        "--learning-rate",
        "0.05",
    ]);
    let output = run.success();
    assert!(
        output.contains("2000 reviews, 13989 features; train 1600, devel 0, test 400"),
        "{output}"
    );
    let test_accuracy = number_after(output, "test accuracy");
    assert!(
        test_accuracy > 0.7,
        "test accuracy {test_accuracy}:\n{output}"
    );
    // The lab prints these digits for the same run.
    assert!(
        output.contains(
            "train accuracy 0.954375 (1527 of 1600), test accuracy 0.747500 (299 of 400)"
        ),
        "{output}"
    );
}

#[test]
fn books_info_matches_lab_counts() {
    let run = mlp_with_data_dir_var(&["info", "--domain", "books"]);
    let output = run.success();
    assert!(
        output.contains("reviews:     2000 (1000 positive, 1000 negative; 50.0% positive)"),
        "{output}"
    );
    assert!(output.contains("features:    13989 kept"), "{output}");
    assert!(output.contains("train split: 1600 reviews"), "{output}");
    assert!(output.contains("test split:  400 reviews"), "{output}");
}
