//! Property tests: no input, random or mutated from real registry files, panics the parser.

use std::path::PathBuf;
use std::sync::Arc;

use lwm2m_codegen::diag::{Diagnostics, Level};
use lwm2m_codegen::lower::{common_file, index_file, object_file};
use proptest::prelude::*;

fn parse_all_ways(bytes: &[u8]) {
    let mut d = Diagnostics::new(Level::Strict);
    let _ = object_file(Arc::from("p.xml"), bytes, &mut d);
    let _ = common_file(Arc::from("p.xml"), bytes, &mut d);
    let _ = index_file(Arc::from("p.xml"), bytes, &mut d);
    // The fuzz target's entry point: the object path again, plus the validator.
    lwm2m_codegen::__fuzz::registry_xml(bytes);
}

fn samples() -> Vec<Vec<u8>> {
    let dir = std::env::var_os("LWM2M_REGISTRY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/registry"));
    [
        "3303.xml",
        "0.xml",
        "10241.xml",
        "505.xml",
        "3410.xml",
        "Common.xml",
    ]
    .iter()
    .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
    .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0usize..200).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (
            any::<usize>(),
            prop::collection::vec(
                prop::sample::select(b"<>/&;\"=!?[]xX \n\xC3\xA9\xFF".to_vec()),
                1..12
            )
        )
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
    ]
}

fn apply(mut b: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = b.len().max(1);
        match m {
            Mutation::Truncate(i) => b.truncate(i % len),
            Mutation::Flip(i, x) if !b.is_empty() => b[i % len] = *x,
            Mutation::Delete(i, n) if !b.is_empty() => {
                let s = i % len;
                b.drain(s..(s + n).min(b.len()));
            }
            Mutation::Insert(i, v) => {
                let s = i % (b.len() + 1);
                b.splice(s..s, v.iter().copied());
            }
            _ => {}
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        parse_all_ways(&bytes);
    }

    #[test]
    fn random_xmlish_text_never_panics(s in "(<[A-Za-z]{1,8}( ID=\"[0-9]{1,6}\")?>|</[A-Za-z]{1,8}>|[a-z0-9 .:;-]{0,10}|&[a-z#0-9]{0,5};?|<!\\[CDATA\\[|\\]\\]>){0,60}") {
        parse_all_ways(s.as_bytes());
    }

    #[test]
    fn mutated_registry_files_never_panic(which in 0usize..6, muts in prop::collection::vec(mutation(), 1..6)) {
        let base = samples().swap_remove(which);
        parse_all_ways(&apply(base, &muts));
    }
}
