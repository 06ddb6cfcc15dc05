//! The server-side handles make forbidden operations compile errors: writing a read-only
//! Resource, reading or writing an execute-only one, executing a readable one.

#[test]
fn access_is_checked_at_compile_time() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/access/*.rs");
}
