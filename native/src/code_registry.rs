//! Registry of the machine code we generated: address ranges and, per range, Cranelift's trap
//! sites (offset → trap code). Signal handlers consult it to decide whether a fault is ours.
//!
//! Readers run inside signal handlers, so a lookup takes no lock and allocates nothing: the
//! registry is an immutable snapshot behind an atomic pointer. Writers (registering or removing
//! a module, never from a handler) build a new snapshot under a mutex, swap it in, and free the
//! old one only once no reader is active (a reader count that every lookup increments and
//! decrements before returning, so a lookup never leaves it raised).

use std::ptr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

/// One trap site: byte offset from the start of its code range and Cranelift's raw trap code.
#[derive(Clone, Copy, Debug)]
pub struct TrapSite {
    pub offset: u32,
    pub code: u8,
}

/// A contiguous piece of generated code (one function or trampoline).
#[derive(Clone, Debug)]
pub struct CodeRange {
    pub start: usize,
    pub len: usize,
    /// Sorted by offset.
    pub traps: Arc<[TrapSite]>,
    /// Metered wasm code: the pinned register holds the fuel counter whenever the PC is here,
    /// so the fuel checker may act on it. False for trampolines and unmetered code.
    pub metered: bool,
}

#[derive(Clone)]
struct Entry {
    owner: u64,
    range: CodeRange,
}

/// Immutable once published; sorted by start address.
struct Snapshot {
    entries: Vec<Entry>,
}

static CURRENT: AtomicPtr<Snapshot> = AtomicPtr::new(ptr::null_mut());
static ACTIVE_READERS: AtomicUsize = AtomicUsize::new(0);
static WRITER: Mutex<()> = Mutex::new(());
static NEXT_OWNER: AtomicU64 = AtomicU64::new(1);

/// What a lookup found at a program counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Not in any registered code.
    Foreign,
    /// In our code, with the trap code recorded for exactly this address (0 when none).
    Ours { trap_code: u8, metered: bool },
}

/// Async-signal-safe: atomics and reads of an immutable snapshot only; cannot panic.
pub fn lookup(pc: usize) -> Lookup {
    ACTIVE_READERS.fetch_add(1, Ordering::SeqCst);
    let snapshot = CURRENT.load(Ordering::SeqCst);
    let result = if snapshot.is_null() {
        Lookup::Foreign
    } else {
        // SAFETY: a non-null CURRENT points to a live Snapshot; writers free a replaced snapshot
        // only after ACTIVE_READERS (raised above, before the load) has dropped back to zero.
        let entries = unsafe { &(*snapshot).entries };
        let after = entries.partition_point(|e| e.range.start <= pc);
        match after.checked_sub(1).and_then(|i| entries.get(i)) {
            Some(entry) if pc - entry.range.start < entry.range.len => {
                let offset = pc - entry.range.start;
                let traps = &entry.range.traps;
                let at = traps.partition_point(|t| (t.offset as usize) < offset);
                let trap_code = match traps.get(at) {
                    Some(site) if site.offset as usize == offset => site.code,
                    _ => 0,
                };
                Lookup::Ours {
                    trap_code,
                    metered: entry.range.metered,
                }
            }
            _ => Lookup::Foreign,
        }
    };
    ACTIVE_READERS.fetch_sub(1, Ordering::SeqCst);
    result
}

/// Replaces the published snapshot with `edit(old entries)`.
fn publish(edit: impl FnOnce(&mut Vec<Entry>)) {
    // A poisoned lock only means another writer panicked; the snapshot itself is still consistent.
    let _writer = WRITER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let old = CURRENT.load(Ordering::SeqCst);
    let mut entries = if old.is_null() {
        Vec::new()
    } else {
        // SAFETY: only writers replace or free snapshots and we hold the writer lock.
        unsafe { (*old).entries.clone() }
    };
    edit(&mut entries);
    entries.sort_by_key(|e| e.range.start);
    let fresh = Box::into_raw(Box::new(Snapshot { entries }));
    let replaced = CURRENT.swap(fresh, Ordering::SeqCst);
    while ACTIVE_READERS.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
    if !replaced.is_null() {
        // SAFETY: `replaced` came from Box::into_raw in an earlier publish, is no longer reachable
        // through CURRENT, and no reader is active, so nothing can still be reading it.
        drop(unsafe { Box::from_raw(replaced) });
    }
}

/// Keeps a module's code ranges registered; removes them when dropped.
#[derive(Debug)]
pub struct Registration {
    owner: u64,
}

pub fn register(ranges: Vec<CodeRange>) -> Registration {
    let owner = NEXT_OWNER.fetch_add(1, Ordering::Relaxed);
    publish(|entries| entries.extend(ranges.into_iter().map(|range| Entry { owner, range })));
    Registration { owner }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let owner = self.owner;
        publish(|entries| entries.retain(|e| e.owner != owner));
    }
}

/// Number of registered code ranges (for diagnostics and leak tests).
pub fn registered_ranges() -> usize {
    let _writer = WRITER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let current = CURRENT.load(Ordering::SeqCst);
    if current.is_null() {
        0
    } else {
        // SAFETY: we hold the writer lock, so the snapshot cannot be freed meanwhile.
        unsafe { (*current).entries.len() }
    }
}
