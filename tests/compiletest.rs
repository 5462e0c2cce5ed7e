//! Declarations that `network!` rejects, each with the errors it reports,
//! and declarations it accepts without a warning.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
