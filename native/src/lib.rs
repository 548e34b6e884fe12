//! slackfuel's native backend: Cranelift's reader, verifier, writer, code generator and JIT,
//! exposed to Node through napi-rs. Every export runs under `errors::guard`, so bad input and
//! panics inside Cranelift become typed JavaScript errors instead of aborting the process.

/// mimalloc for the addon's own Rust allocations (Node's and C's are untouched: no `override`
/// feature). Cranelift and the fuel passes allocate many small, short-lived vectors per
/// function; with mimalloc the passes take 12 % less time and Cranelift's compile up to 7 % less
/// (docs/results.md, "Session 16"). Machine code is not in this heap: the JIT's arena maps its
/// own pages, and linear memories are mapped by `linear_memory.rs`. (mimalloc 2, with the TLS
/// model a dlopen'ed library needs: see native/Cargo.toml; called directly: `allocator.rs`.)
#[global_allocator]
static ALLOCATOR: allocator::Mimalloc = allocator::Mimalloc;

mod allocator;
mod aot;
mod clif_file;
mod code_alignment;
mod code_registry;
mod errors;
mod fuel_counted_loops;
mod fuel_passes;
pub mod fuel_place;
pub mod fuel_place_entry;
mod jit;
mod libcalls;
mod linear_memory;
mod memory_object;
mod native_passes;
mod parallel_compile;
mod run_commands;
mod run_targets;
mod runtime;
mod settings;
mod signals;
mod trampoline;
mod verify;
mod wasm_state;

use errors::{Failure, VerifierProblem, guard};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use settings::Setting;

/// Verifier problems of every function in the file; empty when all verify.
#[napi]
pub fn verify(text: String, settings: Vec<Setting>) -> napi::Result<Vec<VerifierProblem>> {
    guard(|| verify::verify_text(&text, &settings))
}

/// Each function printed by Cranelift's own writer.
#[napi]
pub fn canonical_print(text: String) -> napi::Result<Vec<String>> {
    guard(|| {
        let text = clif_file::readable(&text);
        let file = clif_file::parse(&text)?;
        Ok(file
            .functions
            .iter()
            .map(|(func, _)| func.display().to_string())
            .collect())
    })
}

/// Compiles every function for `isa` (`x86_64` or `aarch64`).
#[napi]
pub fn compile(
    text: String,
    isa: String,
    opt_level: Option<String>,
    settings: Vec<Setting>,
) -> napi::Result<Vec<aot::CompiledFunction>> {
    guard(|| aot::compile_text(&text, &isa, opt_level.as_deref(), &settings))
}

/// Compiles every function as an engine does (verifier off, no disassembly) and reports how
/// long `Context::compile` took, not the code.
#[napi]
pub fn time_compile(
    text: String,
    isa: String,
    opt_level: Option<String>,
    settings: Vec<Setting>,
) -> napi::Result<aot::CompileTiming> {
    guard(|| aot::time_compile(&text, &isa, opt_level.as_deref(), &settings))
}

/// The `; run:` / `; print:` commands of the file.
#[napi]
pub fn run_commands(text: String) -> napi::Result<Vec<run_commands::RunCheck>> {
    guard(|| run_commands::run_commands(&text))
}

/// The targets of a runtest file, each with the reason it is skipped on this host, if it is.
#[napi]
pub fn run_targets(text: String) -> napi::Result<Vec<run_targets::RunTarget>> {
    guard(|| run_targets::run_targets(&text))
}

/// Result slots displayed as Cranelift's runtest displays them.
#[napi]
pub fn display_values(types: Vec<String>, slots: Buffer) -> napi::Result<String> {
    guard(|| run_commands::display_values(&types, &slots))
}

/// The ISA the JIT compiles for (`x86_64` or `aarch64`), if the host is supported.
#[napi]
pub fn host_isa() -> napi::Result<Option<String>> {
    guard(|| {
        Ok(settings::host_isa_name().map(|isa| match isa {
            settings::IsaName::X86_64 => "x86_64".to_string(),
            settings::IsaName::Aarch64 => "aarch64".to_string(),
        }))
    })
}

/// How many code ranges (functions and trampolines) are registered for trap handling right now.
#[napi]
pub fn registered_code_ranges() -> napi::Result<u32> {
    guard(|| Ok(u32::try_from(code_registry::registered_ranges()).unwrap_or(u32::MAX)))
}

/// A JIT-compiled module. Freed by `dispose()` or, failing that, when garbage collected.
#[napi]
pub struct JitModule {
    loaded: Option<jit::LoadedModule>,
}

fn disposed() -> Failure {
    Failure::ModuleDisposedError {
        message: "the JIT module has been disposed".to_string(),
    }
}

#[napi]
impl JitModule {
    #[napi]
    pub fn functions(&self) -> napi::Result<Vec<jit::JitFunctionInfo>> {
        guard(|| self.loaded.as_ref().map(|m| m.infos()).ok_or_else(disposed))
    }

    /// Calls function `index` with arguments in 16-byte little-endian slots; returns the results
    /// in the same layout.
    #[napi]
    pub fn call(&self, index: u32, args: Buffer) -> napi::Result<Buffer> {
        guard(|| {
            let loaded = self.loaded.as_ref().ok_or_else(disposed)?;
            let results = loaded.call(index as usize, &args)?;
            Ok(results.into())
        })
    }

    /// Frees the machine code now. Idempotent.
    #[napi]
    pub fn dispose(&mut self) -> napi::Result<()> {
        guard(|| {
            self.loaded = None;
            Ok(())
        })
    }

    #[napi(getter)]
    pub fn disposed(&self) -> napi::Result<bool> {
        guard(|| Ok(self.loaded.is_none()))
    }
}

/// Compiles every function of `text` for this machine and returns the loaded module; `target`
/// picks the file's target line whose settings apply (see `run_targets`; default the first).
#[napi]
pub fn jit(text: String, settings: Vec<Setting>, target: Option<u32>) -> napi::Result<JitModule> {
    guard(|| {
        Ok(JitModule {
            loaded: Some(jit::load(&text, &settings, target.unwrap_or(0) as usize)?),
        })
    })
}

/// Compiles `text` like `jit` and starts an instance on its own wasm thread, or, with `store`,
/// adds it to the store of that instance; `options` is JSON (the vmctx layout from src/abi, the
/// metered functions, memory and stack sizes).
#[napi]
pub fn instantiate(
    text: String,
    settings: Vec<Setting>,
    options: String,
    store: Option<&runtime::NativeInstance>,
) -> napi::Result<runtime::NativeInstance> {
    guard(|| runtime::instantiate(&text, &settings, &options, store))
}

/// Translates a wasm module to CLIF text per function plus metadata, with the front end
/// (`native/frontend`). `options` is the `TranslateOptions` JSON; the result is the
/// `TranslatedModule` JSON, validated by the TypeScript facade. With `native_passes` (a
/// pipeline such as `fuel-pinned,fuel-drop-checks`), the Rust fuel passes run on each function
/// before it is printed and the JSON's `rewriteMicros` is their time.
#[napi]
pub fn translate_wasm(
    wasm: Buffer,
    options: String,
    native_passes: Option<String>,
) -> napi::Result<String> {
    guard(|| {
        let options: slackfuel_frontend::TranslateOptions = serde_json::from_str(&options)
            .map_err(|e| {
                Failure::from(slackfuel_frontend::TranslateError::InvalidOptions {
                    message: e.to_string(),
                })
            })?;
        match native_passes {
            None => Ok(slackfuel_frontend::translate(&wasm, &options)?.to_json()),
            Some(pipeline) => native_passes::translate_with_passes(&wasm, &options, &pipeline),
        }
    })
}

/// Runs the Rust fuel passes (`pipeline`: `fuel-pinned,fuel-drop-checks`) on every function of
/// `text`; each function printed by Cranelift's writer, plus the time the passes took.
#[napi]
pub fn run_native_passes(
    text: String,
    pipeline: String,
) -> napi::Result<native_passes::NativePassesOutput> {
    guard(|| native_passes::run_on_text(&text, &pipeline))
}

/// The signal number the fuel checker uses.
#[napi]
pub fn check_signal() -> napi::Result<i32> {
    guard(|| Ok(signals::check_signal()))
}
