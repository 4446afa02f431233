#![no_main]
// Harness and its invariants: borderscan_core::fuzzing::parse_otlp.
libfuzzer_sys::fuzz_target!(|data: &[u8]| borderscan_core::fuzzing::parse_otlp(data));
