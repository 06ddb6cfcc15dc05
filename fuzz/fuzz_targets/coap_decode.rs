//! Fuzz target: see `lwm2m_runtime::fuzz_decode`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_runtime::fuzz_decode(data));
