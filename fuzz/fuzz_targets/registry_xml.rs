//! Fuzz target: see `lwm2m_codegen::__fuzz::registry_xml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_codegen::__fuzz::registry_xml(data));
