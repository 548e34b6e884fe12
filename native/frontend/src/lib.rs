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

/// Translate a binary WebAssembly module into CLIF text per defined function plus metadata.
pub fn translate(
    wasm: &[u8],
    options: &TranslateOptions,
) -> Result<TranslatedModule, TranslateError> {
    options
        .layout
        .validate()
        .map_err(|message| TranslateError::InvalidOptions { message })?;
    module::translate_module(wasm, options)
}
