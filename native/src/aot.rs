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

/// How long Cranelift alone took to compile a file's functions, as an engine compiles them.
#[napi_derive::napi(object)]
pub struct CompileTiming {
    pub functions: u32,
    /// Bytes of machine code.
    pub code_size: f64,
    /// Milliseconds in `Context::compile`, all functions together.
    pub compile_ms: f64,
    /// CPU milliseconds of this thread in `Context::compile`; absent where the thread CPU clock
    /// is not available.
    pub compile_cpu_ms: Option<f64>,
}

/// Compiles every function and times `Context::compile` alone: the text is parsed and verified
/// first (untimed), then compiled with the verifier off and no disassembly, as Wasmtime compiles
/// (its verifier is off by default). The denominator for the passes' cost (docs/results.md).
pub fn time_compile(
    text: &str,
    isa: &str,
    opt_level: Option<&str>,
    settings: &[Setting],
) -> NativeResult<CompileTiming> {
    let isa_name = IsaName::parse(isa)?;
    let text = clif_file::readable(text);
    let file = clif_file::parse(&text)?;
    let mut forced: Vec<(&str, &str)> = vec![("enable_verifier", "false")];
    forced.extend(opt_level.map(|level| ("opt_level", level)));
    let isa = build_isa(Target::Named(isa_name), &file.isa_spec, &forced, settings)?;
    let functions: Vec<_> = file.functions.into_iter().map(|(func, _)| func).collect();
    verify_all(&functions, &*isa)?;
    let mut timing = CompileTiming {
        functions: u32::try_from(functions.len()).unwrap_or(u32::MAX),
        code_size: 0.0,
        compile_ms: 0.0,
        compile_cpu_ms: Some(0.0),
    };
    for func in functions {
        let name = function_name(&func);
        let mut ctx = Context::for_function(func);
        let started = std::time::Instant::now();
        let cpu_started = crate::native_passes::thread_cpu_ms();
        let compiled = match ctx.compile(&*isa, &mut ControlPlane::default()) {
            Ok(code) => code,
            Err(e) => return Err(codegen_failure(&name, e.inner, e.func)),
        };
        timing.compile_cpu_ms = match (
            timing.compile_cpu_ms,
            cpu_started,
            crate::native_passes::thread_cpu_ms(),
        ) {
            (Some(sum), Some(a), Some(b)) => Some(sum + (b - a)),
            _ => None,
        };
        timing.compile_ms += started.elapsed().as_secs_f64() * 1000.0;
        timing.code_size += f64::from(compiled.code_info().total_size);
    }
    Ok(timing)
}
