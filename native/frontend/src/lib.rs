//! slackfuel's WebAssembly front end.
//!
//! `translate` decodes and validates a wasm module with `wasmparser` and turns every defined
//! function into Wasmtime-shaped CLIF text (built with `cranelift-frontend`), plus the module
//! metadata a runtime needs to instantiate it. Metering (`none`, `vanilla` fuel, `epoch`) is
//! emitted inline, the way Wasmtime does it. See docs/frontend.md.

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
pub use error::TranslateError;
pub use layout::VmctxLayout;
pub use metadata::{
    ConstExpr, DataSegment, ElementSegment, Export, ExternKind, FuncType, Global, Import,
    ImportKind, Memory, SegmentMode, Table, TranslatedFunction, TranslatedModule, TrapCodeInfo,
    ValueType,
};
pub use cost::{FuelCosts, VariableCosts};
pub use options::{Metering, TranslateOptions};

/// A caller's edit of each defined function (given its wasm index) after translation and
/// before printing: how the native fuel passes run without a text round trip.
pub type FunctionRewrite<'a> =
    dyn FnMut(u32, &mut cranelift_codegen::ir::Function) -> Result<(), String> + 'a;

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
/// `rewrite_micros` is the time spent in `rewrite`. Its first error stops the translation.
pub fn translate_rewriting(
    wasm: &[u8],
    options: &TranslateOptions,
    rewrite: &mut FunctionRewrite<'_>,
) -> Result<TranslatedModule, TranslateError> {
    options
        .layout
        .validate()
        .map_err(|message| TranslateError::InvalidOptions { message })?;
    let mut spent = std::time::Duration::ZERO;
    let mut timed = |index: u32, func: &mut cranelift_codegen::ir::Function| {
        let started = std::time::Instant::now();
        let outcome = rewrite(index, func);
        spent += started.elapsed();
        outcome
    };
    let mut module = module::translate_module(wasm, options, Some(&mut timed))?;
    module.rewrite_micros = Some(u64::try_from(spent.as_micros()).unwrap_or(u64::MAX));
    Ok(module)
}
