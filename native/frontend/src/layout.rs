//! The vmctx layout the emitted code assumes. All offsets are in bytes.

use serde::{Deserialize, Serialize};

/// Offsets into the instance context (`vmctx`, the first argument of every function) and into
/// the records it points at. The runtime (TypeScript `src/abi`) is the source of truth and
/// passes its values in; `Default` documents the layout it is expected to use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VmctxLayout {
    /// vmctx offset of the pointer to the store context (Wasmtime: `vmctx+8`).
    pub store_context_pointer: u32,
    /// Store-context offset of the i64 fuel counter (Wasmtime: 0).
    pub fuel_consumed: u32,
    /// Store-context offset of the i64 epoch deadline (Wasmtime: 8).
    pub epoch_deadline: u32,
    /// Store-context offset of the stack limit used for `stack_limit`; `None` emits no check.
    pub stack_limit: Option<u32>,
    /// vmctx offset of the pointer to the u64 epoch counter.
    pub epoch_counter_pointer: u32,
    /// vmctx offset of memory 0's base address (i64).
    pub memory_base: u32,
    /// vmctx offset of memory 0's current size in bytes (i64).
    pub memory_bound: u32,
    /// Size of the fixed part of the vmctx in `src/abi` (the globals area may follow it).
    /// Accepted so `src/abi`'s layout JSON can be passed as is; generated code does not use it.
    pub vmctx_size: Option<u32>,
    /// Size of the store context in `src/abi`; not used by generated code.
    pub store_context_size: Option<u32>,
    /// vmctx offset of the runtime's host-call dispatcher; reserved, not used by generated code.
    pub host_dispatch: Option<u32>,
    /// vmctx offset of the pointer to the memory records (`memoryStride` bytes per memory, one
    /// per memory index). Memory 0 is also reached through `memoryBase`/`memoryBound`, one load
    /// closer; the runtime keeps both current.
    pub memories_pointer: u32,
    /// Size of one memory record.
    pub memory_stride: u32,
    /// Offset, in a memory record, of the memory's base address (i64).
    pub memory_record_base: u32,
    /// Offset, in a memory record, of the memory's current size in bytes (i64).
    pub memory_record_length: u32,
    /// vmctx offset of the pointer to the table array (`tableStride` bytes per table).
    pub tables_pointer: u32,
    /// Size of one table record.
    pub table_stride: u32,
    /// Offset, in a table record, of the element array's address (i64).
    pub table_base: u32,
    /// Offset, in a table record, of the current element count (i64).
    pub table_length: u32,
    /// vmctx offset of the pointer to the imported-function array.
    pub imported_functions_pointer: u32,
    /// Size of one imported-function record.
    pub imported_function_stride: u32,
    /// Offset, in an imported-function record, of the code pointer.
    pub imported_function_code: u32,
    /// Offset, in an imported-function record, of the callee's vmctx.
    pub imported_function_vmctx: u32,
    /// vmctx offset of the pointer to the func-ref array (one record per function index).
    pub func_refs_pointer: u32,
    /// Size of one func-ref record.
    pub func_ref_stride: u32,
    /// Offset, in a func-ref record, of the code pointer.
    pub func_ref_code: u32,
    /// Offset, in a func-ref record, of the callee's vmctx.
    pub func_ref_vmctx: u32,
    /// Offset, in a func-ref record, of the u32 canonical type id.
    pub func_ref_type_id: u32,
    /// vmctx offset of the pointer to the u32 type ids, one per type index: the ids the
    /// runtime gave the module's types in its store (`call_indirect` compares a func-ref's id
    /// with its type's), as Wasmtime's vmctx holds its `VMSharedTypeIndex` array.
    pub type_ids_pointer: u32,
    /// vmctx offset of the globals area: 8 bytes per global, in global-index order. A defined
    /// global holds its value; an imported global holds a pointer to its value.
    pub globals: u32,
}

impl Default for VmctxLayout {
    fn default() -> Self {
        Self {
            store_context_pointer: 8,
            fuel_consumed: 0,
            epoch_deadline: 8,
            stack_limit: Some(16),
            epoch_counter_pointer: 16,
            memory_base: 24,
            memory_bound: 32,
            vmctx_size: Some(128),
            store_context_size: Some(64),
            host_dispatch: Some(40),
            memories_pointer: 96,
            memory_stride: 16,
            memory_record_base: 0,
            memory_record_length: 8,
            tables_pointer: 48,
            table_stride: 16,
            table_base: 0,
            table_length: 8,
            imported_functions_pointer: 56,
            imported_function_stride: 16,
            imported_function_code: 0,
            imported_function_vmctx: 8,
            func_refs_pointer: 64,
            func_ref_stride: 24,
            func_ref_code: 0,
            func_ref_vmctx: 8,
            func_ref_type_id: 16,
            type_ids_pointer: 104,
            globals: 128,
        }
    }
}

impl VmctxLayout {
    /// vmctx offset of global `index`'s slot.
    pub fn global_slot(&self, index: u32) -> i64 {
        i64::from(self.globals) + 8 * i64::from(index)
    }
}

impl VmctxLayout {
    /// Checks that fields are 8-byte aligned, do not overlap, records fit their strides and the
    /// globals area lies after every fixed vmctx field.
    pub fn validate(&self) -> Result<(), String> {
        let mut vmctx = vec![
            ("storeContextPointer", self.store_context_pointer),
            ("epochCounterPointer", self.epoch_counter_pointer),
            ("memoryBase", self.memory_base),
            ("memoryBound", self.memory_bound),
            ("tablesPointer", self.tables_pointer),
            ("memoriesPointer", self.memories_pointer),
            ("importedFunctionsPointer", self.imported_functions_pointer),
            ("funcRefsPointer", self.func_refs_pointer),
            ("typeIdsPointer", self.type_ids_pointer),
        ];
        if let Some(h) = self.host_dispatch {
            vmctx.push(("hostDispatch", h));
        }
        let mut store = vec![
            ("fuelConsumed", self.fuel_consumed),
            ("epochDeadline", self.epoch_deadline),
        ];
        if let Some(s) = self.stack_limit {
            store.push(("stackLimit", s));
        }
        for group in [&vmctx, &store] {
            for (i, (name, off)) in group.iter().enumerate() {
                if off % 8 != 0 {
                    return Err(format!("{name} ({off}) is not 8-byte aligned"));
                }
                if let Some((other, _)) = group[..i].iter().find(|(_, o)| o == off) {
                    return Err(format!("{name} and {other} overlap at {off}"));
                }
            }
        }
        if !self.globals.is_multiple_of(8) {
            return Err(format!("globals ({}) is not 8-byte aligned", self.globals));
        }
        if let Some((name, off)) = vmctx.iter().find(|(_, off)| *off + 8 > self.globals) {
            return Err(format!(
                "{name} ({off}) lies inside the globals area starting at {}",
                self.globals
            ));
        }
        let records = [
            (
                "memory",
                self.memory_stride,
                vec![self.memory_record_base, self.memory_record_length],
            ),
            (
                "table",
                self.table_stride,
                vec![self.table_base, self.table_length],
            ),
            (
                "imported function",
                self.imported_function_stride,
                vec![self.imported_function_code, self.imported_function_vmctx],
            ),
            (
                "func-ref",
                self.func_ref_stride,
                vec![self.func_ref_code, self.func_ref_vmctx],
            ),
        ];
        for (name, stride, fields) in records {
            if stride % 8 != 0
                || fields.iter().any(|f| f % 8 != 0 || f + 8 > stride)
                || fields[0] == fields[1]
            {
                return Err(format!(
                    "{name} record fields do not fit its stride of {stride}"
                ));
            }
        }
        let type_id = self.func_ref_type_id;
        if !type_id.is_multiple_of(4)
            || type_id + 4 > self.func_ref_stride
            || [self.func_ref_code, self.func_ref_vmctx]
                .iter()
                .any(|f| type_id < f + 8 && *f < type_id + 4)
        {
            return Err(format!(
                "funcRefTypeId ({type_id}) does not fit the func-ref record"
            ));
        }
        Ok(())
    }
}
