//! Compile-fail tests: each error points at the offending argument or field, all at once, and
//! a failed expansion still emits the struct (no cascade of "cannot find type" errors).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}
