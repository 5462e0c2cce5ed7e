//! The whole LxMLS 2015 Day 6 lab on the books corpus.
//!
//! Run with `cargo run --release --example day6`. The corpus is read from
//! `$MLP_DATA_DIR/books` and downloaded first when it is missing. The plots
//! of exercise 6.2 go to `target/day6`, or to `$MLP_PLOT_DIR` when set.

mod lab;

fn main() -> std::process::ExitCode {
    lab::run(|lab| {
        lab::exercise_6_1(lab)?;
        lab::exercise_6_2(lab)?;
        lab::exercise_6_3(lab)?;
        lab::exercise_6_4(lab)?;
        lab::exercise_6_5(lab)?;
        lab::exercise_6_6(lab)?;
        lab::exercise_6_7(lab)?;
        Ok(())
    })
}
