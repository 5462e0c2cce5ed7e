//! The syntax tree of a `network!` declaration, read token by token.
//!
//! The parser checks only the form of each entry. What the keys and values
//! mean is checked in `validate`, so that one build reports every mistake.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{
    Attribute, Error, Generics, Ident, LitInt, Result, Token, Visibility, WhereClause, braced,
};

/// A whole declaration: `#[attrs] vis struct Name { entries }`.
pub struct Declaration {
    pub attrs: Vec<Attribute>,
    pub vis: Visibility,
    pub name: Ident,
    /// The span of the braces, for errors about a missing entry.
    pub body: Span,
    pub entries: Vec<Entry>,
    /// Syntax errors that the parser recovered from.
    pub errors: Vec<Error>,
    /// The keys of the entries that did not parse, so that `validate`
    /// does not also report them missing.
    pub broken_keys: Vec<Ident>,
}

/// One `key: value` entry of the body.
pub struct Entry {
    pub key: Ident,
    pub value: Value,
    /// Tokens after a value that should have ended the entry, such as
    /// `extra` in `output: softmax(2) extra`.
    pub trailing: Option<TokenStream>,
}

/// The value of an entry, classified by its form alone.
pub enum Value {
    /// A single identifier, such as `dynamic` or `cross_entropy`.
    Word(Ident),
    /// A single integer literal.
    Integer(LitInt),
    /// An identifier followed by parenthesised tokens, such as `sigmoid(20)`.
    Call {
        function: Ident,
        arguments: TokenStream,
        parens: Span,
    },
    /// Anything else.
    Other(TokenStream),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Word(word) => word.span(),
            Value::Integer(integer) => integer.span(),
            Value::Call {
                function, parens, ..
            } => function.span().join(*parens).unwrap_or(function.span()),
            Value::Other(tokens) => tokens.span(),
        }
    }
}

impl syn::parse::Parse for Declaration {
    fn parse(input: ParseStream) -> Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error(
                "expected `struct`: a network is declared as `struct Name { input: ..., \
                 layer: activation(width), ..., cost: ... }`",
            ));
        }
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse().map_err(|error| {
            Error::new(
                error.span(),
                "expected the name of the network after `struct`",
            )
        })?;

        let mut errors = Vec::new();
        let mut broken_keys = Vec::new();
        if input.peek(Token![<]) {
            let generics: Generics = input.parse()?;
            errors.push(Error::new_spanned(
                generics,
                "a network takes no generic parameters; it is generic over its float type already",
            ));
        }
        if input.peek(Token![where]) {
            let clause: WhereClause = input.parse()?;
            errors.push(Error::new_spanned(
                clause,
                "a network takes no `where` clause",
            ));
        }
        if !input.peek(syn::token::Brace) {
            return Err(input.error("expected `{` and the entries of the network after its name"));
        }

        let content;
        let brace = braced!(content in input);
        let entries = parse_entries(&content, &mut errors, &mut broken_keys)?;
        if !input.is_empty() {
            let rest: TokenStream = input.parse()?;
            errors.push(Error::new_spanned(
                rest,
                "unexpected tokens after the network; `network!` takes one declaration",
            ));
        }
        Ok(Declaration {
            attrs,
            vis,
            name,
            body: brace.span.join(),
            entries,
            errors,
            broken_keys,
        })
    }
}

/// Reads the comma-separated entries of the body. An entry that does not
/// parse is reported in `errors` and skipped, so that the next one is
/// still read.
fn parse_entries(
    content: ParseStream,
    errors: &mut Vec<Error>,
    broken_keys: &mut Vec<Ident>,
) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    while !content.is_empty() {
        let mut segment = TokenStream::new();
        while !content.is_empty() && !content.peek(Token![,]) {
            segment.extend([content.parse::<TokenTree>()?]);
        }
        let comma: Option<Token![,]> = content.parse()?;
        if segment.is_empty() {
            if let Some(comma) = comma {
                errors.push(Error::new(
                    comma.span,
                    "unexpected `,`: expected an entry such as `hidden: sigmoid(20)`",
                ));
            }
            continue;
        }
        if let Some(TokenTree::Ident(key)) = segment.clone().into_iter().next() {
            broken_keys.push(key);
        }
        match parse_entry.parse2(segment) {
            Ok(entry) => {
                broken_keys.pop();
                entries.push(entry);
            }
            Err(error) => errors.push(error),
        }
    }
    Ok(entries)
}

fn parse_entry(input: ParseStream) -> Result<Entry> {
    let key: Ident = input.parse().map_err(|error| {
        Error::new(
            error.span(),
            "expected an entry `input: ...`, `cost: ...` or a layer such as `hidden: sigmoid(20)`",
        )
    })?;
    if !input.peek(Token![:]) {
        let message = format!("expected `:` after `{key}`");
        return Err(match input.is_empty() {
            true => Error::new(key.span(), message),
            false => input.error(message),
        });
    }
    let colon: Token![:] = input.parse()?;
    if input.is_empty() {
        return Err(Error::new(
            colon.span,
            format!("missing value after `{key}:`"),
        ));
    }
    let tokens: TokenStream = input.parse()?;
    let (value, trailing) = classify(tokens);
    Ok(Entry {
        key,
        value,
        trailing,
    })
}

/// Classifies a value by its first tokens, and returns the tokens after a
/// complete value apart.
fn classify(tokens: TokenStream) -> (Value, Option<TokenStream>) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let (value, used) = match trees.as_slice() {
        [TokenTree::Ident(function), TokenTree::Group(group), ..]
            if group.delimiter() == Delimiter::Parenthesis =>
        {
            let value = Value::Call {
                function: function.clone(),
                arguments: group.stream(),
                parens: group.span(),
            };
            (value, 2)
        }
        [TokenTree::Ident(word), ..] => (Value::Word(word.clone()), 1),
        [literal @ TokenTree::Literal(_), ..] => {
            match syn::parse2::<LitInt>(literal.clone().into()) {
                Ok(integer) => (Value::Integer(integer), 1),
                Err(_) => return (Value::Other(tokens), None),
            }
        }
        _ => return (Value::Other(tokens), None),
    };
    let rest: TokenStream = trees[used..].iter().cloned().collect();
    let trailing = (!rest.is_empty()).then_some(rest);
    (value, trailing)
}
