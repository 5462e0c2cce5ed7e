//! What the macro emits for an invalid declaration: the errors, and beside
//! them the network's items, so that code using the network shows no
//! follow-on errors.
//!
//! `validate` replaces each mistake with a stand-in value, so the items are
//! usually those of a valid network. When no layer was declared, only the
//! struct is emitted.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Error;

use crate::expand;
use crate::validate::Recovered;

pub fn expand(errors: Error, recovered: Recovered) -> TokenStream {
    let errors = errors.into_compile_error();
    let items = match recovered {
        Recovered::Network(network) => expand::network(&network),
        Recovered::Header { attrs, vis, name } => quote! {
            #(#attrs)*
            #vis struct #name<F: ::mlp::__private::Float = f32> {
                _float: ::core::marker::PhantomData<F>,
            }
        },
    };
    quote! {
        #errors
        #items
    }
}
