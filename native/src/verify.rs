//! Cranelift's IR verifier over every function of a CLIF file.

use crate::clif_file::{self, function_name};
use crate::errors::{NativeResult, VerifierProblem};
use crate::settings::{IsaName, Setting, Target, build_isa, host_isa_name};
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::verifier::{VerifierErrors, verify_function};

/// Converts Cranelift's verifier errors for one function into our serialisable form.
pub fn problems(func: &Function, errors: VerifierErrors) -> Vec<VerifierProblem> {
    let function = function_name(func);
    errors
        .0
        .into_iter()
        .map(|e| VerifierProblem {
            function: function.clone(),
            location: e.location.to_string(),
            instruction: e.context,
            message: e.message,
        })
        .collect()
}

/// Verifies one function for the given ISA (some checks, like the pinned register's, need one).
pub fn verify_one(func: &Function, isa: &dyn TargetIsa) -> Vec<VerifierProblem> {
    match verify_function(func, isa) {
        Ok(()) => Vec::new(),
        Err(errors) => problems(func, errors),
    }
}

/// All verifier problems of all functions of the file (empty when it verifies).
pub fn verify_text(text: &str, settings: &[Setting]) -> NativeResult<Vec<VerifierProblem>> {
    let text = clif_file::readable(text);
    let file = clif_file::parse(&text)?;
    // A named ISA rather than the detected host CPU, so the verdict is the same on every machine.
    let isa_name = host_isa_name().unwrap_or(IsaName::X86_64);
    let isa = build_isa(Target::Named(isa_name), &file.isa_spec, &[], settings)?;
    Ok(file
        .functions
        .iter()
        .flat_map(|(func, _)| verify_one(func, &*isa))
        .collect())
}
