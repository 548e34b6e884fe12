//! Reading CLIF text with cranelift-reader: functions, their attached comments, and the
//! file's `set`/`target` lines. Syntax errors become `ClifSyntaxError`s.

use crate::errors::{Failure, NativeResult};
use cranelift_codegen::ir::Function;
use cranelift_reader::{ParseOptions, TestFile, parse_test};

/// Parses a whole CLIF file (any number of functions, optional header lines).
pub fn parse(text: &str) -> NativeResult<TestFile<'_>> {
    // Cranelift's defaults (functions without a calling convention are `fast`), so the canonical
    // printout matches what clif-util and the filetests produce.
    parse_test(text, ParseOptions::default()).map_err(|e| Failure::ClifSyntaxError {
        message: format!("line {}: {}", e.location.line_number, e.message),
        line: e.location.line_number,
    })
}

/// The name Cranelift prints for a function: `%name` or `u0:1`.
pub fn function_name(func: &Function) -> String {
    func.name.to_string()
}
