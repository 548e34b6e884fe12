//! A linear memory that several wasm instances may use: the instance that defines it and every
//! instance that imports it hold one reference each, so the memory lives until the last of
//! them (and the last JavaScript handle on it) is gone, as a Wasmtime `Memory` lives as long as
//! its store. The napi class `NativeMemory` is such a handle; instantiation names the memories
//! it imports by their id, looked up in a registry of weak references.
//!
//! Who may touch the bytes when: the runtime lets only one instance of a group that shares a
//! memory run wasm code at a time (src/wasm serialises the calls), so the mutex here is never
//! contended by wasm threads; it orders growth against JavaScript's reads and writes.

use crate::errors::{Failure, NativeResult};
use crate::linear_memory::LinearMemory;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// The memory's type, as an import is checked against it (Wasmtime's `MemoryType`, with the
/// current size as the minimum) plus the reservation the importing code may rely on.
#[derive(Debug, Clone, Copy)]
pub struct MemoryKind {
    /// The maximum the defining module declared (pages), if any.
    pub declared_max: Option<u64>,
    pub memory64: bool,
    /// Guard bytes behind a 4 GiB reservation (32-bit memories compiled without explicit
    /// bounds checks); None: the reservation is only what the maximum needs.
    pub guard_bytes: Option<u64>,
}

pub struct MemoryObject {
    id: u64,
    memory: Mutex<LinearMemory>,
    /// How far it may grow: the declared maximum, lowered by the definer's resource limit.
    max_pages: u64,
    kind: MemoryKind,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Live memories by id (weak: the registry never keeps one alive).
static REGISTRY: Mutex<Option<HashMap<u64, Weak<MemoryObject>>>> = Mutex::new(None);

fn registry() -> MutexGuard<'static, Option<HashMap<u64, Weak<MemoryObject>>>> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

impl MemoryObject {
    /// Wraps a memory and registers it.
    pub fn new(memory: LinearMemory, max_pages: u64, kind: MemoryKind) -> Arc<MemoryObject> {
        let object = Arc::new(MemoryObject {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            memory: Mutex::new(memory),
            max_pages,
            kind,
        });
        let mut reg = registry();
        let map = reg.get_or_insert_with(HashMap::new);
        map.retain(|_, w| w.strong_count() > 0);
        map.insert(object.id, Arc::downgrade(&object));
        object
    }

    /// The live memory with this id (held by some instance or handle), else a typed error.
    pub fn find(id: u64) -> NativeResult<Arc<MemoryObject>> {
        registry()
            .as_ref()
            .and_then(|m| m.get(&id))
            .and_then(Weak::upgrade)
            .ok_or_else(|| Failure::call(format!("memory {id} no longer exists")))
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn kind(&self) -> MemoryKind {
        self.kind
    }

    /// The memory, locked (a poisoned lock still guards valid bytes: no operation leaves them
    /// half-updated in a way the wasm semantics forbid).
    pub fn lock(&self) -> MutexGuard<'_, LinearMemory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Current (base, length in bytes).
    pub fn current(&self) -> (u64, u64) {
        let m = self.lock();
        (m.base() as u64, m.len() as u64)
    }

    /// `memory.grow`: the old size in pages, or None (wasm's -1).
    pub fn grow(&self, delta_pages: u64) -> Option<u64> {
        self.lock().grow(delta_pages, self.max_pages)
    }
}

/// A JavaScript handle on a memory: keeps it alive, names it to `instantiate`.
#[napi_derive::napi]
pub struct NativeMemory {
    pub(crate) object: Arc<MemoryObject>,
}

#[napi_derive::napi]
impl NativeMemory {
    /// The id `instantiate` takes in its `importedMemories`.
    #[napi(getter)]
    pub fn id(&self) -> napi::Result<f64> {
        crate::errors::guard(|| Ok(self.object.id as f64))
    }

    /// Current size in bytes.
    #[napi(getter)]
    pub fn byte_length(&self) -> napi::Result<f64> {
        crate::errors::guard(|| Ok(self.object.current().1 as f64))
    }

    /// The type an import is checked against: current pages, declared maximum, index type,
    /// and the guard the reservation has (JSON-friendly numbers; pages fit an f64 exactly).
    #[napi]
    pub fn kind(&self) -> napi::Result<MemoryKindJs> {
        crate::errors::guard(|| {
            let k = self.object.kind;
            Ok(MemoryKindJs {
                pages: (self.object.current().1 / crate::linear_memory::WASM_PAGE) as f64,
                declared_max: k.declared_max.map(|p| p as f64),
                memory64: k.memory64,
                guard_bytes: k.guard_bytes.map(|g| g as f64),
                max_pages: self.object.max_pages as f64,
            })
        })
    }
}

#[napi_derive::napi(object)]
pub struct MemoryKindJs {
    pub pages: f64,
    pub declared_max: Option<f64>,
    pub memory64: bool,
    pub guard_bytes: Option<f64>,
    pub max_pages: f64,
}
