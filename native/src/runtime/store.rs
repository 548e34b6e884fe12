//! What the instances of one store share, as Wasmtime's `Store` does: one wasm thread (so one
//! fuel checker and one call at a time), one store context (the fuel counter, the epoch
//! deadline, the stack limit) and the epoch counter. Members call each other's functions
//! directly, through the import records `link` resolves, and share tables (`link_table`) and
//! globals (`link_global`), so
//! the fuel their code charges goes to the same counter whichever member's code runs.

use super::options::Layout;
use super::thread_handle::ThreadHandle;
use crate::errors::{Failure, NativeResult};
use crate::wasm_state::{GlobalLink, SharedState, SharedTable, TableLink, WasmState};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub(super) struct Store {
    pub(super) handle: Arc<ThreadHandle>,
    /// Addresses of the founder's store context and epoch counter, which every member's vmctx
    /// points at. They live in member 0's context on the wasm thread, which exits only when the
    /// last handle on the store is gone.
    pub(super) store_context: u64,
    pub(super) epoch: u64,
    /// What a member must agree on to share the store context and call into the others' code:
    /// the vmctx layout, the stack-limit slot and size, and the code generation flags (a member
    /// that reserves the pinned register for fuel cannot call into one that allocates it).
    pub(super) layout: Layout,
    pub(super) stack_limit: Option<(usize, usize)>,
    pub(super) settings: String,
    /// Per member id: its wasm state (None for plain CLIF instances), for `link`.
    members: Mutex<Vec<Option<SharedState>>>,
    /// Handles not yet disposed: disposing the last one interrupts what the store runs.
    live: AtomicUsize,
}

impl Store {
    pub(super) fn new(
        handle: Arc<ThreadHandle>,
        store_context: u64,
        epoch: u64,
        layout: Layout,
        stack_limit: Option<(usize, usize)>,
        settings: String,
    ) -> Store {
        Store {
            handle,
            store_context,
            epoch,
            layout,
            stack_limit,
            settings,
            members: Mutex::new(Vec::new()),
            live: AtomicUsize::new(0),
        }
    }

    /// Registers a member and returns its id.
    pub(super) fn add(&self, wasm: Option<SharedState>) -> usize {
        let mut members = self.members.lock().unwrap_or_else(|p| p.into_inner());
        members.push(wasm);
        self.live.fetch_add(1, Ordering::SeqCst);
        members.len() - 1
    }

    /// A handle on the store was disposed; true when it was the last. Then nothing can link to
    /// the members any more: their states go now (linear memory, up to a 4 GiB reservation
    /// each, must not wait for the garbage collector to find the handles), and the wasm thread
    /// drops the rest as it exits.
    pub(super) fn release(&self) -> bool {
        let last = self.live.fetch_sub(1, Ordering::SeqCst) == 1;
        if last {
            self.members
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
        }
        last
    }

    /// Refuses a joining instance that cannot share the store context or call the others.
    pub(super) fn check_compatible(
        &self,
        layout: &Layout,
        stack_limit: Option<(usize, usize)>,
        settings: &str,
    ) -> NativeResult<()> {
        if format!("{layout:?}") != format!("{:?}", self.layout) {
            return Err(Failure::call(
                "an instance joining a store must use the store's vmctx layout",
            ));
        }
        if stack_limit != self.stack_limit {
            return Err(Failure::call(
                "an instance joining a store must use the store's stack limit and maxWasmStack",
            ));
        }
        if settings != self.settings {
            return Err(Failure::call(
                "an instance joining a store must be compiled with the store's code generation flags (the same engine and metering convention)",
            ));
        }
        Ok(())
    }

    /// Runs `read` on member `member`'s wasm state; `what` names what it finds, for the error
    /// when it finds nothing.
    fn with_member<T>(
        &self,
        member: u32,
        what: &str,
        read: impl FnOnce(&WasmState) -> Option<T>,
    ) -> NativeResult<T> {
        let members = self.members.lock().unwrap_or_else(|p| p.into_inner());
        let state = members
            .get(member as usize)
            .and_then(Option::as_ref)
            .ok_or_else(|| Failure::call(format!("no wasm instance {member} in this store")))?;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        read(&guard)
            .ok_or_else(|| Failure::call(format!("instance {member} of this store has no {what}")))
    }

    /// The address of a member's global's value, for another member to import.
    pub(super) fn link_global(&self, link: GlobalLink) -> NativeResult<u64> {
        self.with_member(link.member, &format!("global {}", link.global), |s| {
            s.global_address(link.global)
        })
    }

    /// A member's table, for another member to import.
    pub(super) fn link_table(&self, link: TableLink) -> NativeResult<SharedTable> {
        self.with_member(link.member, &format!("table {}", link.table), |s| {
            s.table_object(link.table)
        })
    }

    /// The code and vmctx of function `function` of member `member` (its func-ref record), for
    /// an import record of another member to call it directly.
    pub(super) fn link(&self, member: u32, function: u32) -> NativeResult<(u64, u64)> {
        self.with_member(member, &format!("function {function}"), |s| {
            s.func_ref_target(function)
        })
    }
}
