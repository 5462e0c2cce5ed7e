//! Feeds arbitrary UTF-8 text to `parse_line`, which must return `Ok` or
//! `Err` for every line and never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mlp_runtime::corpus::{LABEL_PREFIX, parse_line};

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    match parse_line(line) {
        Ok(review) => {
            // An accepted line ends in one of the two label tokens, and every
            // feature has a name.
            let last = line.split_ascii_whitespace().last();
            let label = last.and_then(|token| token.strip_prefix(LABEL_PREFIX));
            assert!(
                matches!(label, Some("positive" | "negative")),
                "{line:?} was accepted with the last token {last:?}"
            );
            for (name, _) in &review.features {
                assert!(!name.is_empty(), "{line:?} gave an empty feature name");
            }
        }
        Err(error) => {
            // Every error except `LineError::Blank` names a token of the line.
            if let Some(token) = error.token() {
                assert!(
                    line.contains(token),
                    "{error:?} names a token not in {line:?}"
                );
            }
            let _ = error.to_string();
        }
    }
});
