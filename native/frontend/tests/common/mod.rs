//! Shared test helpers: translate, re-parse every function with cranelift-reader, verify it.
#![allow(dead_code)]

use cranelift_codegen::settings;
use slackfuel_frontend::{Metering, TranslateOptions, TranslatedModule, translate};

pub const MODES: [Metering; 3] = [Metering::None, Metering::Vanilla, Metering::Epoch];

pub fn options(metering: Metering) -> TranslateOptions {
    TranslateOptions {
        metering,
        ..TranslateOptions::default()
    }
}

/// Re-parses one function's CLIF and runs Cranelift's verifier on it.
pub fn reparse_and_verify(clif: &str) {
    let funcs = cranelift_reader::parse_functions(clif)
        .unwrap_or_else(|e| panic!("reparse failed: {e}\n{clif}"));
    assert_eq!(funcs.len(), 1, "one function per text");
    let flags = settings::Flags::new(settings::builder());
    if let Err(errors) = cranelift_codegen::verify_function(&funcs[0], &flags) {
        panic!("verifier rejected:\n{errors}\n{clif}");
    }
    // The writer is canonical: printing what we parsed gives our text back.
    assert_eq!(
        funcs[0].display().to_string(),
        clif,
        "round trip changes the text"
    );
}

pub fn translate_and_verify(wasm: &[u8], metering: Metering) -> TranslatedModule {
    let module =
        translate(wasm, &options(metering)).unwrap_or_else(|e| panic!("translate failed: {e}"));
    for f in &module.functions {
        reparse_and_verify(&f.clif);
    }
    module
}

pub fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("valid WAT")
}

/// Translates in every metering mode, verifying every function; returns the modules.
pub fn all_modes(text: &str) -> Vec<TranslatedModule> {
    let wasm = wat(text);
    MODES
        .iter()
        .map(|m| translate_and_verify(&wasm, *m))
        .collect()
}
