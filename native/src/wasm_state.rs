//! The state of an instantiated WebAssembly module that its code reaches through the vmctx:
//! linear memory, tables, func-ref and imported-function records, globals, passive segments,
//! and the builtins 0–9 of the front end (memory and table operations) as C functions.
//! Offsets come from TypeScript (`src/abi/wasm-layout.ts`); nothing is declared here.
//!
//! The builtins run on the wasm thread; the JavaScript side reads and writes memory only while
//! the wasm thread is blocked in a host call or idle, so the mutex is never contended.

use crate::errors::{Failure, NativeResult};
use crate::jit::LoadedModule;
use crate::linear_memory::{LinearMemory, MAX_WASM32_PAGES, MAX_WASM64_PAGES, WASM_PAGE as PAGE};
use crate::memory_object::{MemoryKind, MemoryObject};
use serde::Deserialize;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

/// Bulk operations run in pieces of this many bytes (or table elements), so that an
/// interrupted instance (disposed, its worker terminated) stops within one piece.
const CHUNK: usize = 16 << 20;

/// Record offsets of `src/abi/wasm-layout.ts` (the subset the runtime writes).
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Records {
    pub memories_pointer: usize,
    pub memory_stride: usize,
    pub memory_record_base: usize,
    pub memory_record_length: usize,
    pub tables_pointer: usize,
    pub table_stride: usize,
    pub table_base: usize,
    pub table_length: usize,
    pub imported_functions_pointer: usize,
    pub imported_function_stride: usize,
    pub imported_function_code: usize,
    pub imported_function_vmctx: usize,
    pub func_refs_pointer: usize,
    pub func_ref_stride: usize,
    pub func_ref_code: usize,
    pub func_ref_vmctx: usize,
    pub func_ref_type_id: usize,
    pub globals: usize,
    pub type_ids_pointer: usize,
}

/// A table element as TypeScript describes it: null, or a function index.
type Item = Option<u32>;

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlobalSetup {
    /// The value's bits (little-endian in the slot), as a decimal string; ignored for funcrefs.
    pub bits: String,
    /// A funcref global: the function index (null for ref.null).
    pub func: Option<u32>,
    pub is_func_ref: bool,
    /// Imported: the slot holds a pointer to a cell with the value.
    pub imported: bool,
    /// A v128 global: `bits` is a 128-bit value and the slot holds a pointer to its 16-byte cell.
    #[serde(default)]
    pub v128: bool,
    /// An imported global linked to global `global` of store member `member`: the slot points
    /// at that global's value, which both instances then read and write.
    #[serde(default)]
    pub linked: Option<GlobalLink>,
}

/// Which global of which store member an import names.
#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GlobalLink {
    pub member: u32,
    pub global: u32,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MemorySetup {
    pub min_pages: u64,
    pub max_pages: Option<u64>,
    /// The code was compiled for a 4 GiB reservation with this many guard bytes behind it
    /// (no explicit bounds checks where they cover the access); null: explicit checks.
    #[serde(default)]
    pub guard_bytes: Option<u64>,
    /// A 64-bit memory (memory64): never guard pages, and it may grow past 4 GiB.
    #[serde(default)]
    pub memory64: bool,
    /// Imported: the id of the memory object (another instance's memory) it is bound to.
    #[serde(default)]
    pub imported: Option<u64>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DataSetup {
    /// Active segments: the memory offset; passive ones: null.
    pub offset: Option<u64>,
    /// Active segments: the memory index they initialise.
    #[serde(default)]
    pub memory: u32,
    pub bytes_hex: String,
    /// Declared-only (dropped at instantiation).
    pub dropped: bool,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableSetup {
    pub min: u64,
    pub max: Option<u64>,
    pub init: Item,
    /// An imported table: table `table` of store member `member` (then `init` is unused, and
    /// `min` and `max` are the import's, checked against the table).
    #[serde(default)]
    pub imported: Option<TableLink>,
}

/// Which table of which store member an import names.
#[derive(Deserialize, Debug, Clone, Copy)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableLink {
    pub member: u32,
    pub table: u32,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ElementSetup {
    /// Active segments: (table, offset); passive or declared: null.
    pub table: Option<u32>,
    pub offset: Option<u64>,
    pub items: Vec<Item>,
    pub dropped: bool,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FunctionSetup {
    /// The compiled function the func-ref's code pointer points at (`u0:3`, `%sf_import_0`).
    pub code: String,
    pub type_id: u32,
}

/// What an import record calls.
#[derive(Deserialize, Debug)]
#[serde(untagged, deny_unknown_fields)]
pub enum ImportedFunction {
    /// The wasm→host trampoline (`%sf_import_0`), with this instance's vmctx.
    Host(String),
    /// Function `function` (an index of that module's function space) of store member `member`.
    Linked { member: u32, function: u32 },
}

/// Resolves linked imports (the runtime's store does): a function to its code and vmctx, a table
/// to the table object.
pub struct Linker<'a> {
    pub function: &'a dyn Fn(u32, u32) -> NativeResult<(u64, u64)>,
    pub table: &'a dyn Fn(TableLink) -> NativeResult<SharedTable>,
    /// A global to the address of its value.
    pub global: &'a dyn Fn(GlobalLink) -> NativeResult<u64>,
}

/// Everything needed to instantiate a translated module, computed by `src/wasm`.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WasmSetup {
    /// vmctx offset of the pointer to this state (the builtins find it there).
    pub state_pointer: usize,
    /// vmctx offset of the pointer to the builtin function table.
    pub builtins_pointer: usize,
    pub records: Records,
    /// Total vmctx bytes (fixed part plus globals).
    pub vmctx_bytes: usize,
    pub globals: Vec<GlobalSetup>,
    /// Per memory index (multi-memory: each has its own reservation and maximum).
    pub memories: Vec<MemorySetup>,
    pub data: Vec<DataSetup>,
    pub tables: Vec<TableSetup>,
    pub elements: Vec<ElementSetup>,
    /// Per function index (imports first).
    pub functions: Vec<FunctionSetup>,
    /// Per type index: the id the store gave the type (equal ids, equal types, in every
    /// instance of the store); `call_indirect` reads them through `records.type_ids_pointer`.
    pub type_ids: Vec<u32>,
    /// Per imported function: the wasm→host trampoline that stands for it, or a function of
    /// another instance of the same store, called directly.
    pub imported_functions: Vec<ImportedFunction>,
    /// Edge-profile counters (i64, zeroed) for instrumented code: how many (0: none) and the
    /// vmctx offset of the pointer to them.
    #[serde(default)]
    pub profile_counters: usize,
    #[serde(default)]
    pub profile_counters_pointer: Option<usize>,
    /// The embedder's resource limits (Wasmtime's `ResourceLimiter`).
    #[serde(default)]
    pub limits: Limits,
    /// The code accounts fuel (vanilla, slacked, count): the bulk builtins check the counter
    /// the code stored before calling them, so an exhausted budget stops them before they run.
    #[serde(default)]
    pub enforce_fuel: bool,
}

/// Upper bounds on what a guest may allocate, over its own declared maxima.
#[derive(Deserialize, Debug, Default, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Limits {
    pub max_memory_bytes: Option<u64>,
    pub max_table_elements: Option<u64>,
}

/// Where the code keeps the fuel counter: vmctx offset of the store-context pointer, and the
/// counter's offset in the store context.
#[derive(Debug, Clone, Copy)]
pub struct FuelSlot {
    pub store_context_pointer: usize,
    pub fuel_consumed: usize,
}

/// At most 2^24 counters (128 MiB): far more edges than any module has.
const MAX_PROFILE_COUNTERS: usize = 1 << 24;

pub struct Table {
    elements: Vec<u64>,
    max: u64,
    /// The maximum the defining module declared (what an import's maximum is checked against).
    declared_max: Option<u64>,
    /// Address of the record the code reads (element array, length): in the table array of the
    /// defining instance. Importers' slots point at it; whoever changes the table rewrites it.
    record: usize,
}

/// A table, shared by the instance that defines it and the instances of its store that import
/// it (all run on the store's one thread; the lock guards the builtins, not the code).
pub type SharedTable = Arc<Mutex<Table>>;

fn lock_table(t: &SharedTable) -> std::sync::MutexGuard<'_, Table> {
    t.lock().unwrap_or_else(|p| p.into_inner())
}

/// One linear memory, defined here or imported: shared with every instance that uses it.
struct Memory {
    memory: Arc<MemoryObject>,
}

/// The mutable state; lives as long as the instance.
pub struct WasmState {
    memories: Vec<Memory>,
    /// One record (base, length) per memory, where the code reads memories other than 0.
    memory_records: Box<[u64]>,
    tables: Vec<SharedTable>,
    table_records: Box<[u64]>,
    /// Per type index, the store's id for it (see WasmSetup::type_ids).
    type_ids: Box<[u32]>,
    /// The vmctx this state was built for, and per global whether its slot holds a pointer to
    /// the value (imported and v128 globals) rather than the value: where `global_address`
    /// finds a global for another instance to link.
    vmctx: usize,
    indirect_globals: Vec<bool>,
    func_refs: Box<[u64]>,
    /// Functions in the module's function space (imports first): the records in `func_refs`.
    function_count: usize,
    imported_functions: Box<[u64]>,
    /// Owns the cells imported globals' vmctx slots point at.
    #[allow(dead_code)]
    imported_globals: Box<[u64]>,
    /// Owns the 16-byte cells of v128 globals (u128: 16-aligned); only the code reads them,
    /// through the pointers in the vmctx.
    #[allow(dead_code)]
    v128_globals: Box<[u128]>,
    builtins: Box<[u64]>,
    /// Written by instrumented code through the vmctx pointer, read between calls.
    profile_counters: Box<[u64]>,
    data: Vec<Option<Vec<u8>>>,
    elements: Vec<Option<Vec<u64>>>,
    records: Records,
    memory_base: usize,
    memory_bound: usize,
    /// Set when the bulk builtins must check the fuel counter.
    fuel: Option<FuelSlot>,
    /// The trap a builtin recorded before returning failure (`heap_oob`, `user2`).
    pub last_trap: Option<&'static str>,
}

/// An instance's state as the vmctx's state slot points at it: what the bulk builtins' lock-free
/// path reads (fixed at instantiation), and the mutable state behind its lock.
pub struct StateCell {
    fast: FastFacts,
    state: Mutex<WasmState>,
}

impl StateCell {
    pub fn lock(&self) -> std::sync::LockResult<std::sync::MutexGuard<'_, WasmState>> {
        self.state.lock()
    }

    pub fn try_lock(&self) -> std::sync::TryLockResult<std::sync::MutexGuard<'_, WasmState>> {
        self.state.try_lock()
    }
}

/// Copies of the state's immutable fields that the lock-free path of the bulk builtins needs.
#[derive(Clone, Copy)]
struct FastFacts {
    fuel: Option<FuelSlot>,
    /// vmctx offsets of memory 0's base and length, which `publish` keeps current.
    memory_base: usize,
    memory_bound: usize,
    has_memory: bool,
}

pub type SharedState = Arc<StateCell>;

/// Wasmtime's table import rule: the table has at least the import's minimum now, and if the
/// import declares a maximum, the table declares one no larger.
fn check_table_import(table: &Table, import: &TableSetup) -> NativeResult<()> {
    let len = table.elements.len() as u64;
    if len < import.min {
        return Err(Failure::call(format!(
            "incompatible import type: table types incompatible: the import needs at least {} elements, the table has {len}",
            import.min
        )));
    }
    if let Some(max) = import.max
        && table.declared_max.is_none_or(|m| m > max)
    {
        return Err(Failure::call(format!(
            "incompatible import type: table types incompatible: the import's maximum is {max}, the table's is {}",
            table
                .declared_max
                .map_or("unbounded".to_string(), |m| m.to_string())
        )));
    }
    Ok(())
}

fn hex(text: &str) -> NativeResult<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return Err(Failure::call("bad hex in a data segment"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16)
                .map_err(|_| Failure::call("bad hex in a data segment"))
        })
        .collect()
}

/// Writes the word `value` at `base + offset`.
///
/// # Safety
/// `base .. base + offset + 8` must lie inside one live allocation that nothing else is
/// reading or writing at the time. Every caller here writes a record field or a vmctx slot
/// whose offset `validate_layout` has checked against its table's or the vmctx's size.
unsafe fn write_at(base: *mut u8, offset: usize, value: u64) {
    // SAFETY: the caller's contract above.
    unsafe { base.add(offset).cast::<u64>().write_unaligned(value) }
}

/// Checks, before anything is written, that every record field lies inside its record and
/// every vmctx slot inside the vmctx: the layout comes from TypeScript, and the writes that
/// follow (`write_at`) rely on it.
fn validate_layout(setup: &WasmSetup, memory_base: usize, memory_bound: usize) -> NativeResult<()> {
    let r = &setup.records;
    let fits = |field: usize, width: usize, size: usize| {
        field.checked_add(width).is_some_and(|end| end <= size)
    };
    let fields = [
        ("funcRef.code", r.func_ref_code, 8, r.func_ref_stride),
        ("funcRef.vmctx", r.func_ref_vmctx, 8, r.func_ref_stride),
        ("funcRef.typeId", r.func_ref_type_id, 4, r.func_ref_stride),
        (
            "importedFunction.code",
            r.imported_function_code,
            8,
            r.imported_function_stride,
        ),
        (
            "importedFunction.vmctx",
            r.imported_function_vmctx,
            8,
            r.imported_function_stride,
        ),
        (
            "memoryRecord.base",
            r.memory_record_base,
            8,
            r.memory_stride,
        ),
        (
            "memoryRecord.length",
            r.memory_record_length,
            8,
            r.memory_stride,
        ),
        ("table.base", r.table_base, 8, r.table_stride),
        ("table.length", r.table_length, 8, r.table_stride),
    ];
    let slots = [
        ("memoryBase", memory_base),
        ("memoryBound", memory_bound),
        ("memoriesPointer", r.memories_pointer),
        ("tablesPointer", r.tables_pointer),
        ("importedFunctionsPointer", r.imported_functions_pointer),
        ("funcRefsPointer", r.func_refs_pointer),
        ("typeIdsPointer", r.type_ids_pointer),
        ("builtinsPointer", setup.builtins_pointer),
        ("statePointer", setup.state_pointer),
    ];
    let counters = setup
        .profile_counters_pointer
        .map(|slot| ("profileCountersPointer", slot));
    let bad_field = fields
        .iter()
        .find(|(_, at, width, stride)| !fits(*at, *width, *stride));
    let bad_slot = slots
        .iter()
        .chain(counters.iter())
        .find(|(_, at)| !fits(*at, 8, setup.vmctx_bytes));
    match (bad_field, bad_slot) {
        (Some((name, at, width, stride)), _) => Err(Failure::call(format!(
            "record layout: {name} ({width} bytes at {at}) does not fit its {stride}-byte record"
        ))),
        (None, Some((name, at))) => Err(Failure::call(format!(
            "vmctx layout: {name} (8 bytes at {at}) does not fit the {}-byte vmctx",
            setup.vmctx_bytes
        ))),
        (None, None) => Ok(()),
    }
}

/// The memory object an import is bound to, after the checks memory safety rests on (the
/// TypeScript side checks the import's type as Wasmtime does first, with clearer messages):
/// the index type, and for code compiled without explicit bounds checks a reservation with at
/// least the guard that code relies on.
fn imported_memory(id: u64, m: &MemorySetup) -> NativeResult<Arc<MemoryObject>> {
    let object = MemoryObject::find(id)?;
    let kind = object.kind();
    if kind.memory64 != m.memory64 {
        return Err(Failure::call(
            "imported memory: a 32-bit memory cannot stand for a 64-bit one, nor the reverse",
        ));
    }
    if let Some(needed) = if m.memory64 { None } else { m.guard_bytes } {
        if kind.guard_bytes.is_none_or(|g| g < needed) {
            return Err(Failure::call(format!(
                "imported memory: the importing code relies on a 4 GiB reservation with {needed} guard bytes, which the memory does not have (compile both modules with the same memoryReservation and memoryGuardSize)"
            )));
        }
    }
    let pages = object.current().1 / PAGE;
    if pages < m.min_pages {
        return Err(Failure::call(format!(
            "imported memory: {pages} pages, fewer than the {} the import requires",
            m.min_pages
        )));
    }
    Ok(object)
}

/// A segment that does not fit traps at instantiation, as in Wasmtime: a Trap with the code of
/// the wasm trap kind (`heap_oob` for memory, `user2` for tables), so callers see the same
/// typed trap an instruction would raise.
fn instantiation_trap(what: &str) -> Failure {
    let trap_code = if what == "data segment" {
        "heap_oob"
    } else {
        "user2"
    };
    Failure::Trap {
        message: format!("instantiation failed: {what} out of bounds"),
        trap_code: trap_code.to_string(),
        function: None,
        offset: None,
        signal: "none".to_string(),
    }
}

impl WasmState {
    /// Builds the state and fills the vmctx.
    ///
    /// # Safety
    /// `vmctx` must point at a writable allocation of at least `setup.vmctx_bytes` bytes that
    /// outlives the state and that no running code reads while this builds it.
    pub unsafe fn new(
        setup: &WasmSetup,
        module: &LoadedModule,
        vmctx: *mut u8,
        memory_base: usize,
        memory_bound: usize,
        fuel: FuelSlot,
        link: Linker<'_>,
    ) -> NativeResult<SharedState> {
        validate_layout(setup, memory_base, memory_bound)?;
        let r = setup.records.clone();
        let address = |name: &str| {
            module
                .address_of(name)
                .ok_or_else(|| Failure::call(format!("no compiled function {name}")))
        };
        // Per import: the code and vmctx its record (and its func-ref) holds.
        let import_targets = setup
            .imported_functions
            .iter()
            .map(|import| match import {
                ImportedFunction::Host(name) => Ok((address(name)?, vmctx as u64)),
                ImportedFunction::Linked { member, function } => {
                    (link.function)(*member, *function)
                }
            })
            .collect::<NativeResult<Vec<(u64, u64)>>>()?;
        let words = |bytes: usize| vec![0u64; bytes.div_ceil(8).max(1)].into_boxed_slice();
        let mut func_refs = words(setup.functions.len() * r.func_ref_stride);
        let refs_base = func_refs.as_mut_ptr().cast::<u8>();
        for (i, f) in setup.functions.iter().enumerate() {
            let record = i * r.func_ref_stride;
            let (code, owner) = match import_targets.get(i) {
                Some(&target) => target,
                None => (address(&f.code)?, vmctx as u64),
            };
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(refs_base, record + r.func_ref_code, code) };
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(refs_base, record + r.func_ref_vmctx, owner) };
            // SAFETY: the type id field lies inside the record (validate_layout checked it).
            unsafe {
                refs_base
                    .add(record + r.func_ref_type_id)
                    .cast::<u32>()
                    .write_unaligned(f.type_id)
            };
        }
        let func_ref = |item: Item| -> NativeResult<u64> {
            match item {
                None => Ok(0),
                Some(i) if (i as usize) < setup.functions.len() => {
                    Ok(refs_base as u64 + (i as u64) * r.func_ref_stride as u64)
                }
                Some(i) => Err(Failure::call(format!("no function {i}"))),
            }
        };
        let mut imported_functions =
            words(setup.imported_functions.len() * r.imported_function_stride);
        let imports_base = imported_functions.as_mut_ptr().cast::<u8>();
        for (i, &(code, owner)) in import_targets.iter().enumerate() {
            let record = i * r.imported_function_stride;
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(imports_base, record + r.imported_function_code, code) };
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(imports_base, record + r.imported_function_vmctx, owner) };
        }
        let mut imported_globals = words(setup.globals.len() * 8);
        let mut v128_globals = vec![0u128; setup.globals.len()].into_boxed_slice();
        for (i, g) in setup.globals.iter().enumerate() {
            if let Some(target) = g.linked {
                let slot = r.globals + 8 * i;
                if slot + 8 > setup.vmctx_bytes || !g.imported {
                    return Err(Failure::call(
                        "a linked global must be an import that fits the vmctx",
                    ));
                }
                let value = (link.global)(target)?;
                // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
                unsafe { write_at(vmctx, slot, value) };
                continue;
            }
            if g.v128 {
                let slot = r.globals + 8 * i;
                if slot + 8 > setup.vmctx_bytes || g.imported {
                    return Err(Failure::call(
                        "v128 globals must be defined by the module and fit the vmctx",
                    ));
                }
                v128_globals[i] = g
                    .bits
                    .parse::<u128>()
                    .map_err(|_| Failure::call("bad v128 global bits"))?;
                let cell = std::ptr::addr_of_mut!(v128_globals[i]) as u64;
                // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
                unsafe { write_at(vmctx, slot, cell) };
                continue;
            }
            let value = if g.is_func_ref {
                func_ref(g.func)?
            } else {
                g.bits
                    .parse::<u64>()
                    .map_err(|_| Failure::call("bad global bits"))?
            };
            let slot = r.globals + 8 * i;
            if slot + 8 > setup.vmctx_bytes {
                return Err(Failure::call("globals do not fit the vmctx"));
            }
            if g.imported {
                imported_globals[i] = value;
                let cell = std::ptr::addr_of_mut!(imported_globals[i]) as u64;
                // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
                unsafe { write_at(vmctx, slot, cell) };
            } else {
                // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
                unsafe { write_at(vmctx, slot, value) };
            }
        }
        let limits = &setup.limits;
        let mut memories = Vec::with_capacity(setup.memories.len());
        for m in &setup.memories {
            if let Some(id) = m.imported {
                memories.push(Memory {
                    memory: imported_memory(id, m)?,
                });
                continue;
            }
            // The most the index type can address here; the user's limit lowers it.
            let cap = if m.memory64 {
                MAX_WASM64_PAGES
            } else {
                MAX_WASM32_PAGES
            };
            let memory_limit = limits.max_memory_bytes.map_or(cap, |b| b / PAGE);
            if m.min_pages > memory_limit {
                return Err(Failure::call(format!(
                    "instantiation failed: the memory's minimum of {} bytes exceeds the limit of {} bytes",
                    m.min_pages * PAGE,
                    limits.max_memory_bytes.unwrap_or(0)
                )));
            }
            let max_pages = m.max_pages.unwrap_or(cap).min(cap).min(memory_limit);
            // The code checks every access to a 64-bit memory explicitly.
            let guard = if m.memory64 { None } else { m.guard_bytes };
            let kind = MemoryKind {
                declared_max: m.max_pages,
                memory64: m.memory64,
                guard_bytes: guard,
            };
            let memory = LinearMemory::new(m.min_pages, max_pages, guard)?;
            memories.push(Memory {
                memory: MemoryObject::new(memory, max_pages, kind),
            });
        }
        let memory_records = words(setup.memories.len() * r.memory_stride);
        let table_limit = limits.max_table_elements.unwrap_or(u32::MAX as u64);
        let mut table_records = words(setup.tables.len() * r.table_stride);
        let records_base = table_records.as_mut_ptr() as usize;
        let mut tables = Vec::new();
        for (i, t) in setup.tables.iter().enumerate() {
            if let Some(import) = t.imported {
                let table = (link.table)(import)?;
                check_table_import(&lock_table(&table), t)?;
                tables.push(table);
                continue;
            }
            let init = func_ref(t.init)?;
            if t.min > table_limit {
                return Err(Failure::call(format!(
                    "instantiation failed: a table's minimum of {} elements exceeds the limit of {table_limit}",
                    t.min
                )));
            }
            let mut elements = Vec::new();
            if elements.try_reserve_exact(t.min as usize).is_err() {
                return Err(Failure::call(format!(
                    "instantiation failed: could not allocate a table of {} elements",
                    t.min
                )));
            }
            elements.resize(t.min as usize, init);
            tables.push(Arc::new(Mutex::new(Table {
                elements,
                max: t
                    .max
                    .unwrap_or(u32::MAX as u64)
                    .min(u32::MAX as u64)
                    .min(table_limit),
                declared_max: t.max,
                record: records_base + i * r.table_stride,
            })));
        }
        if setup.profile_counters > MAX_PROFILE_COUNTERS {
            return Err(Failure::call(format!(
                "{} profile counters requested; at most {MAX_PROFILE_COUNTERS}",
                setup.profile_counters
            )));
        }
        let counters_slot = match (setup.profile_counters, setup.profile_counters_pointer) {
            (0, _) => None,
            (_, None) => {
                return Err(Failure::call(
                    "profile counters need profileCountersPointer",
                ));
            }
            (_, Some(slot)) => {
                let taken = [
                    r.memories_pointer,
                    setup.state_pointer,
                    setup.builtins_pointer,
                    r.tables_pointer,
                    r.func_refs_pointer,
                    r.imported_functions_pointer,
                ];
                if slot % 8 != 0
                    || slot + 8 > r.globals.min(setup.vmctx_bytes)
                    || taken.contains(&slot)
                {
                    return Err(Failure::call(format!(
                        "the profile counter pointer vmctx+{slot} is misaligned, outside the fixed vmctx, or taken"
                    )));
                }
                Some(slot)
            }
        };
        let mut state = WasmState {
            memories,
            memory_records,
            tables,
            table_records,
            type_ids: setup.type_ids.clone().into_boxed_slice(),
            vmctx: vmctx as usize,
            indirect_globals: setup.globals.iter().map(|g| g.imported || g.v128).collect(),
            func_refs,
            function_count: setup.functions.len(),
            imported_functions,
            imported_globals,
            v128_globals,
            builtins: builtin_table(),
            profile_counters: vec![0u64; setup.profile_counters].into_boxed_slice(),
            data: Vec::new(),
            elements: Vec::new(),
            records: r.clone(),
            memory_base,
            memory_bound,
            fuel: setup.enforce_fuel.then_some(fuel),
            last_trap: None,
        };
        // Element segments first, then data segments, as the spec orders instantiation.
        for e in &setup.elements {
            let items = e
                .items
                .iter()
                .map(|&i| func_ref(i))
                .collect::<NativeResult<Vec<u64>>>()?;
            if let (Some(table), Some(offset)) = (e.table, e.offset) {
                let mut t = lock_table(
                    state
                        .tables
                        .get(table as usize)
                        .ok_or_else(|| instantiation_trap("table"))?,
                );
                let end = offset as usize + items.len();
                if end > t.elements.len() {
                    return Err(instantiation_trap("element segment"));
                }
                t.elements[offset as usize..end].copy_from_slice(&items);
                state.elements.push(None);
            } else if e.dropped {
                state.elements.push(None);
            } else {
                state.elements.push(Some(items));
            }
        }
        for d in &setup.data {
            let bytes = hex(&d.bytes_hex)?;
            if let Some(offset) = d.offset {
                let memory = state
                    .memories
                    .get_mut(d.memory as usize)
                    .ok_or_else(|| instantiation_trap("data segment"))?;
                let mut memory = memory.memory.lock();
                let range = WasmState::range(memory.len(), offset, bytes.len() as u64)
                    .ok_or_else(|| instantiation_trap("data segment"))?;
                memory[range].copy_from_slice(&bytes);
                state.data.push(None);
            } else if d.dropped {
                state.data.push(None);
            } else {
                state.data.push(Some(bytes));
            }
        }
        state.publish(vmctx);
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, r.func_refs_pointer, state.func_refs.as_ptr() as u64) };
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe {
            write_at(
                vmctx,
                r.imported_functions_pointer,
                state.imported_functions.as_ptr() as u64,
            )
        };
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe {
            write_at(
                vmctx,
                setup.builtins_pointer,
                state.builtins.as_ptr() as u64,
            )
        };
        if let Some(slot) = counters_slot {
            let counters = state.profile_counters.as_mut_ptr() as u64;
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(vmctx, slot, counters) };
        }
        register_state_offset(setup.state_pointer)?;
        let fast = FastFacts {
            fuel: state.fuel,
            memory_base: state.memory_base,
            memory_bound: state.memory_bound,
            has_memory: !state.memories.is_empty(),
        };
        let shared = Arc::new(StateCell {
            fast,
            state: Mutex::new(state),
        });
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, setup.state_pointer, Arc::as_ptr(&shared) as u64) };
        Ok(shared)
    }

    /// Writes the memory records (memory 0 also into the vmctx itself) and the table records
    /// (after any growth).
    fn publish(&mut self, vmctx: *mut u8) {
        let r = &self.records;
        let (base0, len0) = self.memories.first().map_or((0, 0), |m| m.memory.current());
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, self.memory_base, base0) };
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, self.memory_bound, len0) };
        let records = self.memory_records.as_mut_ptr().cast::<u8>();
        for (i, m) in self.memories.iter().enumerate() {
            let at = i * r.memory_stride;
            let (base, len) = m.memory.current();
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(records, at + r.memory_record_base, base) };
            // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
            unsafe { write_at(records, at + r.memory_record_length, len) };
        }
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe {
            write_at(
                vmctx,
                r.memories_pointer,
                self.memory_records.as_ptr() as u64,
            )
        };
        let base = self.table_records.as_mut_ptr().cast::<u8>();
        let own = base as usize..base as usize + self.table_records.len() * 8;
        for (i, t) in self.tables.iter().enumerate() {
            let mut t = lock_table(t);
            let record = t.record as *mut u8;
            let (elements, len) = (t.elements.as_mut_ptr() as u64, t.elements.len() as u64);
            // SAFETY: `record` is a table record in the table array of the defining instance
            // (this one, or a member of its store, whose state the store keeps alive while
            // this one lives); validate_layout checked the fields against the stride both use.
            unsafe { write_at(record, r.table_base, elements) };
            // SAFETY: as above.
            unsafe { write_at(record, r.table_length, len) };
            if !own.contains(&t.record) {
                // An imported table: this instance's slot points at the defining record.
                // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
                unsafe { write_at(base, i * r.table_stride, t.record as u64) };
            }
        }
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, r.tables_pointer, self.table_records.as_ptr() as u64) };
        // SAFETY: a field or slot validate_layout checked, in a table or vmctx this state owns.
        unsafe { write_at(vmctx, r.type_ids_pointer, self.type_ids.as_ptr() as u64) };
    }

    /// Linear memory `index`; an index the module does not define is a typed error.
    fn memory(&self, index: u32) -> NativeResult<&Arc<MemoryObject>> {
        self.memories
            .get(index as usize)
            .map(|m| &m.memory)
            .ok_or_else(|| Failure::call(format!("the module has no memory {index}")))
    }

    /// A handle on memory `index` for another instance to import (keeps it alive).
    pub fn memory_object(&self, index: u32) -> NativeResult<Arc<MemoryObject>> {
        self.memory(index).map(Arc::clone)
    }

    /// A copy of `len` bytes of linear memory `index` at `offset`.
    pub fn read(&self, index: u32, offset: usize, len: usize) -> NativeResult<Vec<u8>> {
        let memory = self.memory(index)?.lock();
        let end = offset.checked_add(len).filter(|&e| e <= memory.len());
        end.map(|e| memory[offset..e].to_vec()).ok_or_else(|| {
            Failure::call(format!(
                "memory read of {len} bytes at {offset} is out of bounds"
            ))
        })
    }

    pub fn write(&mut self, index: u32, offset: usize, bytes: &[u8]) -> NativeResult<()> {
        let mut memory = self.memory(index)?.lock();
        let end = offset
            .checked_add(bytes.len())
            .filter(|&e| e <= memory.len());
        match end {
            Some(e) => {
                memory[offset..e].copy_from_slice(bytes);
                Ok(())
            }
            None => Err(Failure::call(format!(
                "memory write of {} bytes at {offset} is out of bounds",
                bytes.len()
            ))),
        }
    }

    /// Bytes of linear memory `index` (0 when the module has no such memory).
    pub fn memory_size(&self, index: u32) -> usize {
        self.memories
            .get(index as usize)
            .map_or(0, |m| m.memory.current().1 as usize)
    }

    /// The address of global `index`'s value, for an instance of the same store to import: its
    /// vmctx slot, or where the slot points (an imported or v128 global).
    pub fn global_address(&self, index: u32) -> Option<u64> {
        let indirect = *self.indirect_globals.get(index as usize)?;
        let slot = self.vmctx + self.records.globals + 8 * index as usize;
        if indirect {
            // SAFETY: the slot lies in this state's vmctx (validate_layout and `new` checked every
            // global slot against vmctx_bytes) and holds the cell address `new` wrote there.
            Some(unsafe { std::ptr::read_unaligned(slot as *const u64) })
        } else {
            Some(slot as u64)
        }
    }

    /// The low 64 bits of global `index`'s value.
    pub fn global_bits(&self, index: u32) -> Option<u64> {
        let at = self.global_address(index)?;
        // SAFETY: `global_address` gives this instance's vmctx slot or the cell its slot points
        // at (owned by this state or by the store member it imported the global from, which the
        // store keeps alive); either holds at least 8 bytes.
        Some(unsafe { std::ptr::read_unaligned(at as *const u64) })
    }

    /// Table `index`, for an instance of the same store to import.
    pub fn table_object(&self, index: u32) -> Option<SharedTable> {
        self.tables.get(index as usize).cloned()
    }

    /// The code and vmctx of function `index`'s func-ref record (an import's are its target).
    pub fn func_ref_target(&self, index: u32) -> Option<(u64, u64)> {
        let r = &self.records;
        let record = (index as usize).checked_mul(r.func_ref_stride)?;
        if (index as usize) >= self.function_count {
            return None;
        }
        let word = |field: usize| self.func_refs.get((record + field) / 8).copied();
        Some((word(r.func_ref_code)?, word(r.func_ref_vmctx)?))
    }

    /// Whether another instance or a handle shares one of this instance's memories.
    pub fn shares_memory(&self) -> bool {
        self.memories
            .iter()
            .any(|m| Arc::strong_count(&m.memory) > 1)
    }

    /// Refreshes the memory records from the memory objects: another instance sharing a memory
    /// may have grown it since this instance's code last ran. Called whenever this instance's
    /// code is entered (a call, or the return from a host function), which are the only points
    /// where another instance can have run in between (calls into a group that shares a memory
    /// are serialised).
    pub fn refresh(&mut self, vmctx: *mut u8) {
        if self.shares_memory() {
            self.publish(vmctx);
        }
    }

    /// The profile counters as little-endian u64s (empty without profiling). JIT code writes
    /// them through a raw pointer, so they are read the same way (a snapshot if a call runs).
    pub fn profile_counter_bytes(&self) -> Vec<u8> {
        let base = self.profile_counters.as_ptr();
        (0..self.profile_counters.len())
            .flat_map(|i| {
                // SAFETY: i is in bounds of the boxed slice, which lives as long as self; the
                // only other access is aligned u64 stores by the instance's code.
                unsafe { std::ptr::read_volatile(base.add(i)) }.to_le_bytes()
            })
            .collect()
    }

    fn fail(&mut self, trap: &'static str) -> u8 {
        self.last_trap = Some(trap);
        0
    }

    fn range(len: usize, start: u64, n: u64) -> Option<std::ops::Range<usize>> {
        let end = start.checked_add(n)?;
        (end <= len as u64).then_some(start as usize..end as usize)
    }
}

/// The state behind a vmctx (the pointer `WasmState::new` stored), locked.
fn with_state<T>(vmctx: *mut u8, op: impl FnOnce(&mut WasmState, *mut u8) -> T) -> T {
    let state = LOCATOR.get(vmctx);
    let mut guard = state.state.lock().unwrap_or_else(|p| p.into_inner());
    op(&mut guard, vmctx)
}

/// Where to find the state from a vmctx: the offset is per instance, but the builtins are
/// plain C functions, so the offset is recorded in a static at instantiation (all instances
/// use src/abi's one layout; a different offset is rejected).
struct StateLocator {
    offset: std::sync::atomic::AtomicUsize,
}

impl StateLocator {
    fn get(&self, vmctx: *mut u8) -> &StateCell {
        let offset = self.offset.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: generated code passes the vmctx of a live instance, whose slot at `offset`
        // holds the Arc'd cell (stored at instantiation), which lives as long as the instance.
        unsafe { &*(vmctx.add(offset).cast::<*const StateCell>().read()) }
    }
}

static LOCATOR: StateLocator = StateLocator {
    offset: std::sync::atomic::AtomicUsize::new(usize::MAX),
};

/// Records the state-pointer offset; every instance must use the same one.
pub fn register_state_offset(offset: usize) -> NativeResult<()> {
    use std::sync::atomic::Ordering;
    match LOCATOR
        .offset
        .compare_exchange(usize::MAX, offset, Ordering::SeqCst, Ordering::SeqCst)
    {
        Ok(_) => Ok(()),
        Err(existing) if existing == offset => Ok(()),
        Err(existing) => Err(Failure::call(format!(
            "the wasm state pointer moved from vmctx+{existing} to vmctx+{offset}"
        ))),
    }
}

/// Runs a builtin's body; a panic becomes a failed builtin (a trap), never an unwind into JIT
/// code or an abort.
fn guarded<T>(failed: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(failed)
}

impl WasmState {
    /// Checks fuel, then runs a bulk operation; failure records `trap`.
    fn bulk(
        &mut self,
        vmctx: *mut u8,
        trap: &'static str,
        op: impl FnOnce(&mut WasmState) -> Option<()>,
    ) -> u8 {
        if fuel_exhausted(self.fuel, vmctx) {
            return self.fail("user200");
        }
        match op(self) {
            Some(()) => 1,
            None if crate::runtime::interrupt_requested() => self.fail("interrupted"),
            None => self.fail(trap),
        }
    }
}

/// The bulk builtins' fuel check: the code charged the operation and stored the counter before
/// calling; an exhausted budget (counter >= 0) stops the operation before it runs, as vanilla's
/// inline check does (slacked code has no inline check).
fn fuel_exhausted(fuel: Option<FuelSlot>, vmctx: *mut u8) -> bool {
    let Some(slot) = fuel else { return false };
    // SAFETY: the vmctx is the live instance's, whose store-context pointer field (validated
    // layout) points at the store context the runtime owns for the instance's life.
    let counter = unsafe {
        let store = vmctx
            .add(slot.store_context_pointer)
            .cast::<*const u8>()
            .read_unaligned();
        store.add(slot.fuel_consumed).cast::<i64>().read_unaligned()
    };
    counter >= 0
}

/// Memory 0 as the code sees it, for the bulk builtins' lock-free path: its base, and the
/// accessible bytes from `at` for `len` bytes when they are all in bounds. None sends the
/// builtin down its locked path, which also reports traps, fuel and interrupts: when fuel is
/// exhausted, an interrupt is pending, the instance has no memory, the piece is larger than
/// one chunk, or the range is not inside the length the vmctx holds (the locked path then
/// checks against the memory itself, so a length published late never makes a trap).
fn memory0_in_bounds(vmctx: *mut u8, ranges: &[(u64, u64)]) -> Option<*mut u8> {
    let facts = LOCATOR.get(vmctx).fast;
    if !facts.has_memory
        || fuel_exhausted(facts.fuel, vmctx)
        || crate::runtime::interrupt_requested()
    {
        return None;
    }
    // SAFETY: `memory_base` and `memory_bound` are vmctx fields validate_layout checked, which
    // `publish` writes (memory 0's base and accessible length) before the code can run.
    let (base, length) = unsafe {
        (
            vmctx
                .add(facts.memory_base)
                .cast::<*mut u8>()
                .read_unaligned(),
            vmctx.add(facts.memory_bound).cast::<u64>().read_unaligned(),
        )
    };
    let fits = |&(at, len): &(u64, u64)| {
        len <= CHUNK as u64 && at.checked_add(len).is_some_and(|end| end <= length)
    };
    (!base.is_null() && ranges.iter().all(fits)).then_some(base)
}

/// memory.copy inside memory 0 without a lock (the common case: libc's memcpy and memmove);
/// None: take the locked path.
fn copy_in_memory0(vmctx: *mut u8, dst: u64, src: u64, len: u64) -> Option<()> {
    let base = memory0_in_bounds(vmctx, &[(dst, len), (src, len)])?;
    // SAFETY: both ranges lie in [base, base + length): memory 0's accessible bytes, which stay
    // mapped and in place for the instance's life (the reservation never moves and the length
    // only grows). The code that called this runs on the store's one thread and accesses the
    // memory without a lock too; `copy` allows the ranges to overlap, as memory.copy does.
    unsafe { std::ptr::copy(base.add(src as usize), base.add(dst as usize), len as usize) };
    Some(())
}

/// memory.fill of memory 0 without a lock (libc's memset); None: take the locked path.
fn fill_in_memory0(vmctx: *mut u8, dst: u64, value: u8, len: u64) -> Option<()> {
    let base = memory0_in_bounds(vmctx, &[(dst, len)])?;
    // SAFETY: as in copy_in_memory0: the range lies in memory 0's accessible bytes.
    unsafe { std::ptr::write_bytes(base.add(dst as usize), value, len as usize) };
    Some(())
}

/// Fills `slice` with `value` piece by piece; None when the instance is interrupted.
fn fill_in_pieces<T: Copy>(slice: &mut [T], value: T, piece: usize) -> Option<()> {
    for chunk in slice.chunks_mut(piece.max(1)) {
        if crate::runtime::interrupt_requested() {
            return None;
        }
        chunk.fill(value);
    }
    Some(())
}

/// `copy_within` piece by piece, in the direction that keeps overlapping ranges right.
fn copy_in_pieces(memory: &mut [u8], src: usize, dst: usize, len: usize) -> Option<()> {
    let mut done = 0;
    while done < len {
        if crate::runtime::interrupt_requested() {
            return None;
        }
        let n = CHUNK.min(len - done);
        let at = if dst <= src { done } else { len - done - n };
        memory.copy_within(src + at..src + at + n, dst + at);
        done += n;
    }
    Some(())
}

extern "C" fn memory_grow(vmctx: *mut u8, mem: u32, delta: u32) -> u32 {
    guarded(u32::MAX, || {
        let old = with_state(vmctx, |s, vmctx| {
            let Some(m) = s.memories.get(mem as usize) else {
                return u32::MAX;
            };
            match m.memory.grow(delta as u64) {
                Some(old) => {
                    s.publish(vmctx);
                    old as u32
                }
                None => u32::MAX,
            }
        });
        if old != u32::MAX {
            crate::runtime::refresh_other_members(vmctx);
        }
        old
    })
}

/// `memory.grow` on a 64-bit memory: i64 delta and result (-1 when it cannot grow).
extern "C" fn memory_grow64(vmctx: *mut u8, mem: u32, delta: u64) -> u64 {
    guarded(u64::MAX, || {
        let old = with_state(vmctx, |s, vmctx| {
            let Some(m) = s.memories.get(mem as usize) else {
                return u64::MAX;
            };
            match m.memory.grow(delta) {
                Some(old) => {
                    s.publish(vmctx);
                    old
                }
                None => u64::MAX,
            }
        });
        if old != u64::MAX {
            crate::runtime::refresh_other_members(vmctx);
        }
        old
    })
}

extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, dst: u64, value: u32, len: u64) -> u8 {
    if mem == 0 && fill_in_memory0(vmctx, dst, value as u8, len).is_some() {
        return 1;
    }
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "heap_oob", |s| {
                let mut m = s.memories.get(mem as usize)?.memory.lock();
                let r = WasmState::range(m.len(), dst, len)?;
                fill_in_pieces(&mut m[r], value as u8, CHUNK)
            })
        })
    })
}

extern "C" fn memory_copy(vmctx: *mut u8, dm: u32, dst: u64, sm: u32, src: u64, len: u64) -> u8 {
    if dm == 0 && sm == 0 && copy_in_memory0(vmctx, dst, src, len).is_some() {
        return 1;
    }
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "heap_oob", |s| {
                let to = Arc::clone(&s.memories.get(dm as usize)?.memory);
                let from = Arc::clone(&s.memories.get(sm as usize)?.memory);
                // Two indices may name one memory (imported twice, or imported and exported
                // back): then it is one copy inside one memory, under one lock.
                if Arc::ptr_eq(&to, &from) {
                    let mut m = to.lock();
                    let d = WasmState::range(m.len(), dst, len)?;
                    let r = WasmState::range(m.len(), src, len)?;
                    return copy_in_pieces(&mut m, r.start, d.start, r.len());
                }
                // Distinct memories never overlap; lock them in id order (no lock cycle).
                let (first, second) = if to.id() < from.id() {
                    (&to, &from)
                } else {
                    (&from, &to)
                };
                let mut a = first.lock();
                let mut b = second.lock();
                let (src_mem, dst_mem) = if to.id() < from.id() {
                    (&mut *b, &mut *a)
                } else {
                    (&mut *a, &mut *b)
                };
                let d = WasmState::range(dst_mem.len(), dst, len)?;
                let r = WasmState::range(src_mem.len(), src, len)?;
                copy_between(&src_mem[r], &mut dst_mem[d])
            })
        })
    })
}

/// Copies between two memories piece by piece; None when the instance is interrupted.
fn copy_between(from: &[u8], to: &mut [u8]) -> Option<()> {
    for (src, dst) in from.chunks(CHUNK).zip(to.chunks_mut(CHUNK)) {
        if crate::runtime::interrupt_requested() {
            return None;
        }
        dst.copy_from_slice(src);
    }
    Some(())
}

extern "C" fn memory_init(vmctx: *mut u8, mem: u32, data: u32, dst: u64, src: u32, len: u32) -> u8 {
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "heap_oob", |s| {
                let segment_len = s
                    .data
                    .get(data as usize)
                    .and_then(|d| d.as_ref())
                    .map_or(0, Vec::len);
                let mut m = s.memories.get(mem as usize)?.memory.lock();
                let d = WasmState::range(m.len(), dst, len as u64)?;
                let r = WasmState::range(segment_len, src as u64, len as u64)?;
                if let Some(Some(bytes)) = s.data.get(data as usize) {
                    // Segments live in the module (bounded by its size): one piece.
                    m[d].copy_from_slice(&bytes[r]);
                }
                Some(())
            })
        })
    })
}

extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
    guarded((), || {
        with_state(vmctx, |s, _| {
            if let Some(d) = s.data.get_mut(data as usize) {
                *d = None;
            }
        })
    })
}

extern "C" fn table_grow(vmctx: *mut u8, table: u32, delta: u32, init: u64) -> u32 {
    guarded(u32::MAX, || {
        with_state(vmctx, |s, vmctx| {
            let Some(t) = s.tables.get(table as usize) else {
                return u32::MAX;
            };
            let mut t = lock_table(t);
            let old = t.elements.len() as u64;
            let new = old + delta as u64;
            if new > t.max || t.elements.try_reserve_exact(delta as usize).is_err() {
                return u32::MAX;
            }
            t.elements.resize(new as usize, init);
            drop(t);
            s.publish(vmctx);
            old as u32
        })
    })
}

extern "C" fn table_fill(vmctx: *mut u8, table: u32, dst: u32, value: u64, len: u32) -> u8 {
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "user2", |s| {
                let mut t = lock_table(s.tables.get(table as usize)?);
                let r = WasmState::range(t.elements.len(), dst as u64, len as u64)?;
                fill_in_pieces(&mut t.elements[r], value, CHUNK / 8)
            })
        })
    })
}

extern "C" fn table_copy(vmctx: *mut u8, dt: u32, st: u32, dst: u32, src: u32, len: u32) -> u8 {
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "user2", |s| {
                // One lock at a time: the two may be one table (imported twice, or the same).
                let (to, from) = (s.tables.get(dt as usize)?, s.tables.get(st as usize)?);
                let dn = lock_table(to).elements.len();
                let mut chunk = Vec::new();
                {
                    let from = lock_table(from);
                    let r = WasmState::range(from.elements.len(), src as u64, len as u64)?;
                    WasmState::range(dn, dst as u64, len as u64)?;
                    chunk.try_reserve_exact(r.len()).ok()?;
                    chunk.extend_from_slice(&from.elements[r]);
                }
                let mut to = lock_table(to);
                let d = WasmState::range(to.elements.len(), dst as u64, len as u64)?;
                to.elements[d].copy_from_slice(&chunk);
                Some(())
            })
        })
    })
}

extern "C" fn table_init(
    vmctx: *mut u8,
    table: u32,
    elem: u32,
    dst: u32,
    src: u32,
    len: u32,
) -> u8 {
    guarded(0, || {
        with_state(vmctx, |s, vmctx| {
            s.bulk(vmctx, "user2", |s| {
                let tn = lock_table(s.tables.get(table as usize)?).elements.len();
                let items_len = s
                    .elements
                    .get(elem as usize)
                    .and_then(|e| e.as_ref())
                    .map_or(0, Vec::len);
                let d = WasmState::range(tn, dst as u64, len as u64)?;
                let r = WasmState::range(items_len, src as u64, len as u64)?;
                if let Some(Some(items)) = s.elements.get(elem as usize) {
                    let items = items[r].to_vec();
                    lock_table(s.tables.get(table as usize)?).elements[d].copy_from_slice(&items);
                }
                Some(())
            })
        })
    })
}

extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
    guarded((), || {
        with_state(vmctx, |s, _| {
            if let Some(e) = s.elements.get_mut(elem as usize) {
                *e = None;
            }
        })
    })
}

/// Builtins 0–10 in the front end's numbering; the CLIF shims call them through this table.
fn builtin_table() -> Box<[u64]> {
    Box::new([
        memory_grow as *const () as u64,
        memory_fill as *const () as u64,
        memory_copy as *const () as u64,
        memory_init as *const () as u64,
        data_drop as *const () as u64,
        table_grow as *const () as u64,
        table_fill as *const () as u64,
        table_copy as *const () as u64,
        table_init as *const () as u64,
        elem_drop as *const () as u64,
        memory_grow64 as *const () as u64,
    ])
}
