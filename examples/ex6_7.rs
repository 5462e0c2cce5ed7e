//! Exercise 6.7 of the LxMLS 2015 Day 6 lab; `day6` runs all of them.

mod lab;

fn main() -> std::process::ExitCode {
    lab::run(lab::exercise_6_7)
}
