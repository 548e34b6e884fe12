//! The options `instantiate` receives as JSON: the vmctx layout (from src/abi), the metered
//! functions, memory and stack sizes. Validated here, before anything is allocated.

use crate::errors::{Failure, NativeResult};
use crate::wasm_state::WasmSetup;
use serde::Deserialize;

/// The vmctx layout, as `src/abi/vmctx-layout.ts` serialises it. Offsets are in bytes.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Layout {
    pub vmctx_size: usize,
    pub store_context_size: usize,
    /// In the vmctx: pointer to the store context (Wasmtime 2026: vmctx+8).
    pub store_context_pointer: usize,
    /// In the vmctx: pointer to the epoch counter.
    pub epoch_counter_pointer: usize,
    /// In the vmctx: linear memory base and bound.
    pub memory_base: usize,
    pub memory_bound: usize,
    /// In the vmctx: address of the host-call dispatcher.
    pub host_dispatch: usize,
    /// In the store context: the fuel counter (Wasmtime: offset 0) and the epoch deadline.
    pub fuel_consumed: usize,
    pub epoch_deadline: usize,
}

impl Layout {
    pub(super) fn validate(&self) -> NativeResult<()> {
        let fits = |offset: usize, size: usize| offset.is_multiple_of(8) && offset + 8 <= size;
        let vm = [
            ("storeContextPointer", self.store_context_pointer),
            ("epochCounterPointer", self.epoch_counter_pointer),
            ("memoryBase", self.memory_base),
            ("memoryBound", self.memory_bound),
            ("hostDispatch", self.host_dispatch),
        ];
        let store = [
            ("fuelConsumed", self.fuel_consumed),
            ("epochDeadline", self.epoch_deadline),
        ];
        for (name, offset) in vm {
            if !fits(offset, self.vmctx_size) {
                return Err(Failure::call(format!(
                    "vmctx layout: {name} at {offset} is not an aligned i64 inside {} bytes",
                    self.vmctx_size
                )));
            }
        }
        for (name, offset) in store {
            if !fits(offset, self.store_context_size) {
                return Err(Failure::call(format!(
                    "vmctx layout: {name} at {offset} is not an aligned i64 inside the {}-byte store context",
                    self.store_context_size
                )));
            }
        }
        Ok(())
    }
}

/// Options of `instantiate`, as JSON.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceOptions {
    pub layout: Layout,
    /// Functions whose pinned register holds the fuel counter (the checker acts only there).
    pub metered: Vec<String>,
    /// Bytes of linear memory (zeroed).
    pub memory_bytes: usize,
    /// Stack size of the wasm thread.
    pub stack_bytes: usize,
    /// The store-context field the code's `stack_limit` compares against, if it has one: the
    /// runtime stores `sp - max_wasm_stack` there at every host→wasm entry.
    #[serde(default)]
    pub stack_limit: Option<usize>,
    /// Bytes of stack wasm may use below its entry (Wasmtime's `max_wasm_stack`).
    #[serde(default = "default_max_wasm_stack")]
    pub max_wasm_stack: usize,
    /// A translated wasm module's instance state (src/wasm); absent for plain CLIF.
    #[serde(default)]
    pub wasm: Option<WasmSetup>,
    /// Pad each function by a pseudo-random amount named by this seed instead of aligning it
    /// (benchmarks over many layouts; see code_alignment.rs).
    #[serde(default)]
    pub code_layout_seed: Option<u64>,
}

/// Wasmtime's default `max_wasm_stack`.
fn default_max_wasm_stack() -> usize {
    512 * 1024
}

/// Stack the wasm thread keeps beyond `max_wasm_stack` for what runs at the deepest wasm level:
/// builtins, the host-call dispatcher, the call shim and the signal path.
pub(super) const HOST_STACK_RESERVE: usize = 256 * 1024;
