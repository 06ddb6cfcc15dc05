//! Fuzz target: see `lwm2m_core::__fuzz::senml_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_core::__fuzz::senml_json(data));
