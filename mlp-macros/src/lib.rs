//! The `network!` procedural macro of the `mlp` crate. Use it through
//! `mlp`, which documents it.

#![warn(missing_docs)]

mod expand;
mod fallback;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// # Implementation
///
/// The macro is defined in the `mlp-macros` crate. The code it generates
/// reaches the runtime through `::mlp`, so a crate that declares networks
/// depends on `mlp` and calls the macro as `mlp::network!`.
#[proc_macro]
pub fn network(input: TokenStream) -> TokenStream {
    let declaration = syn::parse_macro_input!(input as parse::Declaration);
    let tokens = match validate::check(declaration) {
        validate::Checked::Valid(network) => expand::network(&network),
        validate::Checked::Invalid(errors, recovered) => fallback::expand(errors, recovered),
    };
    tokens.into()
}
