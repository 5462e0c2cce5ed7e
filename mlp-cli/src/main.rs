//! The `mlp` command: train, evaluate and apply networks on sentiment
//! corpora.

fn main() {}
