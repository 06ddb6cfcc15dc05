//! Expansion snapshots of `#[lwm2m_object]` for representative inputs (reviewers see what the
//! macro writes). CI never writes snapshots (`INSTA_UPDATE=no`).

use lwm2m_codegen::macro_front::expand;
use quote::quote;

fn pretty(tokens: proc_macro2::TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => panic!("expansion does not parse: {e}\n{tokens}"),
    }
}

#[test]
fn small_object() {
    let out = expand(
        quote!(id = 32770, version = "1.0", name = "Vendor Lamp"),
        quote! {
            pub struct Lamp {
                #[resource(id = 0, operations = "RW")]
                on: bool,
                /// Brightness.
                #[resource(id = 1, operations = "RW", range = "0..100", units = "%")]
                level: Option<u8>,
                #[resource(id = 2, operations = "E")]
                blink: (),
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn enumeration_and_multiple_instances() {
    let out = expand(
        quote!(id = 32771, multiple),
        quote! {
            pub(crate) struct Valve {
                #[resource(id = 0, operations = "RW", range = "0: Closed; 1: Open; 2: Fault")]
                state: i8,
                #[resource(id = 1, operations = "R")]
                flow_log: Multi<f64>,
            }
        },
    );
    insta::assert_snapshot!(pretty(out));
}

#[test]
fn failed_expansion_keeps_the_struct() {
    let out = expand(
        quote!(id = 32772),
        quote! {
            pub struct Broken {
                #[resource(id = 0, operations = "X")]
                value: u8,
            }
        },
    );
    let text = out.to_string();
    assert!(text.contains("struct Broken"), "{text}");
    assert!(text.contains("compile_error"), "{text}");
    assert!(
        !text.contains("resource"),
        "our attributes are stripped: {text}"
    );
}
