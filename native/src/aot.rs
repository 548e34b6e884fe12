//! Ahead-of-time compilation for a named ISA (x86_64 natively or aarch64 as a cross target):
//! machine code, its size and Cranelift's own disassembly (the VCode text), per function.

use crate::clif_file::{self, function_name};
use crate::errors::{Failure, NativeResult};
use crate::settings::{IsaName, Setting, Target, build_isa};
use crate::verify::{problems, verify_one};
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::{CodegenError, Context};
use napi::bindgen_prelude::Buffer;

#[napi_derive::napi(object)]
pub struct CompiledFunction {
    pub name: String,
    pub code: Buffer,
    pub code_size: u32,
    pub disassembly: String,
}

/// Maps a code generation error of one function to a typed failure.
pub fn codegen_failure(
    func_name: &str,
    error: CodegenError,
    func: &cranelift_codegen::ir::Function,
) -> Failure {
    match error {
        CodegenError::Verifier(errors) => Failure::verifier(problems(func, errors)),
        other => Failure::compile(Some(func_name.to_string()), format!("{func_name}: {other}")),
    }
}

/// Runs the verifier over every function first, so one error lists the problems of all of them
/// (code generation would stop at the first function that fails).
pub fn verify_all(
    functions: &[cranelift_codegen::ir::Function],
    isa: &dyn TargetIsa,
) -> NativeResult<()> {
    let problems: Vec<_> = functions
        .iter()
        .flat_map(|func| verify_one(func, isa))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::verifier(problems))
    }
}

pub fn compile_text(
    text: &str,
    isa: &str,
    opt_level: Option<&str>,
    settings: &[Setting],
) -> NativeResult<Vec<CompiledFunction>> {
    let isa_name = IsaName::parse(isa)?;
    let text = clif_file::readable(text);
    let file = clif_file::parse(&text)?;
    let forced: Vec<(&str, &str)> = opt_level
        .map(|level| ("opt_level", level))
        .into_iter()
        .collect();
    let isa = build_isa(Target::Named(isa_name), &file.isa_spec, &forced, settings)?;

    let functions: Vec<_> = file.functions.into_iter().map(|(func, _)| func).collect();
    if isa.flags().enable_verifier() {
        verify_all(&functions, &*isa)?;
    }
    let mut out = Vec::with_capacity(functions.len());
    for func in functions {
        let name = function_name(&func);
        let mut ctx = Context::for_function(func);
        ctx.set_disasm(true);
        let compiled = match ctx.compile(&*isa, &mut ControlPlane::default()) {
            Ok(code) => code,
            Err(e) => return Err(codegen_failure(&name, e.inner, e.func)),
        };
        let bytes = compiled.code_buffer().to_vec();
        out.push(CompiledFunction {
            name,
            code_size: compiled.code_info().total_size,
            disassembly: compiled.vcode.clone().unwrap_or_default(),
            code: bytes.into(),
        });
    }
    Ok(out)
}
