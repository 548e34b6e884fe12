//! slackfuel's WebAssembly front end.
//!
//! `translate` decodes and validates a wasm module with `wasmparser` and turns every defined
//! function into Wasmtime-shaped CLIF text (built with `cranelift-frontend`), plus the module
//! metadata a runtime needs to instantiate it. Metering (`none`, `vanilla` fuel, `epoch`) is
//! emitted inline, the way Wasmtime does it. See docs/frontend.md.

mod bodies;
mod builtins;
mod cost;
mod error;
mod func;
mod layout;
mod metadata;
mod module;
mod options;
mod startup;
mod type_keys;

pub use builtins::{BUILTIN_NAMESPACE, Builtin, BuiltinInfo};
pub use cost::{FuelCosts, VariableCosts};
pub use error::TranslateError;
pub use layout::VmctxLayout;
pub use metadata::{
    ConstExpr, DataSegment, ElementSegment, Export, ExternKind, FuncType, Global, Import,
    ImportKind, Memory, SegmentMode, Table, TranslatedFunction, TranslatedModule, TrapCodeInfo,
    ValueType,
};
pub use options::{Metering, TranslateOptions};

/// A caller's edit of each defined function (given its wasm index) after translation and
/// before printing: how the native fuel passes run without a text round trip.
/// It may run on several threads at once (one function each), hence `Fn + Sync`.
pub type FunctionRewrite<'a> =
    dyn Fn(u32, &mut cranelift_codegen::ir::Function) -> Result<(), String> + Sync + 'a;

/// Translate a binary WebAssembly module into CLIF text per defined function plus metadata.
pub fn translate(
    wasm: &[u8],
    options: &TranslateOptions,
) -> Result<TranslatedModule, TranslateError> {
    options
        .layout
        .validate()
        .map_err(|message| TranslateError::InvalidOptions { message })?;
    module::translate_module(wasm, options, None)
}

/// `translate`, with `rewrite` applied to every function before it is printed; the module's
/// `rewrite_micros` is the time spent in `rewrite`. Its first error (in function order) is
/// the translation's error.
pub fn translate_rewriting(
    wasm: &[u8],
    options: &TranslateOptions,
    rewrite: &FunctionRewrite<'_>,
) -> Result<TranslatedModule, TranslateError> {
    options
        .layout
        .validate()
        .map_err(|message| TranslateError::InvalidOptions { message })?;
    // Summed over threads: the rewrite's own time, as on one thread.
    let spent_micros = std::sync::atomic::AtomicU64::new(0);
    let timed = |index: u32, func: &mut cranelift_codegen::ir::Function| {
        let started = std::time::Instant::now();
        let outcome = rewrite(index, func);
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        spent_micros.fetch_add(micros, std::sync::atomic::Ordering::Relaxed);
        outcome
    };
    let mut module = module::translate_module(wasm, options, Some(&timed))?;
    module.rewrite_micros = Some(spent_micros.into_inner());
    Ok(module)
}
