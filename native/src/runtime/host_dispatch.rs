//! The C entry point wasm→host trampolines call (`src/abi/trampolines.ts`): it hands a host
//! function's arguments to JavaScript as a `host` step and blocks the wasm thread until
//! JavaScript resumes the call.

use super::reply::Reply;
use super::short_wait::{HOST_ANSWER_POLL, poll_for};
use super::steps::{Job, Outcome};
use super::worker::Member;
use crate::errors::Failure;
use crate::jit;
use crate::wasm_state::SharedState;
use std::cell::RefCell;
use std::sync::mpsc::{Receiver, TryRecvError};

/// What the dispatcher knows of a store member.
pub(super) struct MemberView {
    pub(super) id: usize,
    pub(super) vmctx: usize,
    /// Its memory fields are refreshed when a host function returns (the host may have run an
    /// instance of another store that grew a shared memory).
    pub(super) wasm: Option<SharedState>,
}

/// The state the host dispatcher needs on the wasm thread.
pub(super) struct WorkerState {
    pub(super) jobs: Receiver<Job>,
    pub(super) pending: Option<Reply>,
    pub(super) members: Vec<MemberView>,
    /// Members that joined while a host function ran, for the worker to take in after the call.
    pub(super) joined: Vec<Member>,
}

impl WorkerState {
    /// Rewrites every member's memory fields from its memory objects (those that share one).
    fn refresh_all(&self) {
        for m in &self.members {
            if let Some(wasm) = &m.wasm {
                let mut guard = wasm.lock().unwrap_or_else(|p| p.into_inner());
                guard.refresh(m.vmctx as *mut u8);
            }
        }
    }
}

/// After a `memory.grow` by the member at `vmctx`: the other members of its store that share
/// the memory see the new length at once (they may run next through a direct call, with no
/// entry in between). Their states are not locked: this thread runs one member at a time.
pub(crate) fn refresh_other_members(vmctx: *mut u8) {
    let _ = WORKER.try_with(|cell| {
        if let Ok(borrowed) = cell.try_borrow() {
            for m in borrowed.iter().flat_map(|s| s.members.iter()) {
                if m.vmctx == vmctx as usize {
                    continue;
                }
                if let Some(Ok(mut guard)) = m.wasm.as_ref().map(|w| w.try_lock()) {
                    guard.refresh(m.vmctx as *mut u8);
                }
            }
        }
    });
}

thread_local! {
    /// The wasm thread's job queue and the step waiting to be settled.
    pub(super) static WORKER: RefCell<Option<WorkerState>> = const { RefCell::new(None) };
}

/// The dispatcher's C signature, as the wasm→host trampolines call it.
pub(super) type HostDispatch = extern "C" fn(*mut u8, u64, *mut u8, u64, u64) -> i32;

/// Host-function failure status the wasm→host trampoline turns into a trap.
const HOST_FAILED: i32 = 1;

/// Called by wasm→host trampolines (C calling convention): hands host function `index` its
/// argument slots through the current step, blocks until JavaScript resumes the call, and
/// leaves the results in the same slots. Returns 0, or HOST_FAILED when the host function
/// threw or the instance is going away. Never unwinds into JIT code.
pub(super) extern "C" fn host_dispatch(
    vmctx: *mut u8,
    index: u64,
    slots: *mut u8,
    params: u64,
    results: u64,
) -> i32 {
    let run = || -> i32 {
        WORKER.with(|cell| {
            let mut borrowed = cell.borrow_mut();
            let Some(state) = borrowed.as_mut() else {
                return HOST_FAILED;
            };
            let Some(reply) = state.pending.take() else {
                return HOST_FAILED;
            };
            let bytes = (params as usize) * jit::SLOT_BYTES;
            let args = if bytes == 0 || slots.is_null() {
                Vec::new()
            } else {
                // SAFETY: only our wasm→host trampolines (src/abi/trampolines.ts) call this, and
                // they pass a 16-aligned stack slot of max(params, results, 1) 16-byte slots,
                // live for the whole call; `slots` is non-null and `bytes` is within it.
                unsafe { std::slice::from_raw_parts(slots, bytes) }.to_vec()
            };
            // The member whose import this is: the trampoline passes its own vmctx.
            let member = state
                .members
                .iter()
                .find(|m| m.vmctx == vmctx as usize)
                .map_or(0, |m| m.id as u32);
            reply.deliver(Outcome::Host {
                member,
                index: index as u32,
                slots: args,
            });
            loop {
                // Most host functions answer within microseconds: poll before sleeping.
                let polled = poll_for(HOST_ANSWER_POLL, || match state.jobs.try_recv() {
                    Ok(job) => Some(Ok(job)),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => Some(Err(())),
                });
                let job = polled.unwrap_or_else(|| state.jobs.recv().map_err(|_| ()));
                match job {
                    Ok(Job::Resume {
                        slots: answer,
                        failed,
                        reply,
                    }) => {
                        state.pending = Some(reply);
                        state.refresh_all();
                        if failed {
                            return HOST_FAILED;
                        }
                        let wanted = (results as usize) * jit::SLOT_BYTES;
                        let n = wanted.min(answer.len());
                        if n > 0 && !slots.is_null() {
                            // SAFETY: the same slot area as above; `n` is at most `results`
                            // slots, and `answer` is a separate allocation of at least `n` bytes.
                            unsafe { std::ptr::copy_nonoverlapping(answer.as_ptr(), slots, n) };
                        }
                        return 0;
                    }
                    Ok(Job::Call { reply, .. }) => reply.deliver(Outcome::Failed(Failure::call(
                        "a host function cannot call into its own store while it runs",
                    ))),
                    Ok(Job::Join(member)) => {
                        state.members.push(MemberView {
                            id: member.id,
                            vmctx: member.context.vmctx_address() as usize,
                            wasm: member.context.wasm.clone(),
                        });
                        state.joined.push(member);
                    }
                    Err(_) => return HOST_FAILED,
                }
            }
        })
    };
    status_of(run)
}

/// Runs the dispatcher's body; a panic becomes HOST_FAILED (a trap in the calling code), so
/// nothing unwinds into the JIT frames below (which have no unwind tables we could use).
fn status_of(body: impl FnOnce() -> i32) -> i32 {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(HOST_FAILED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_dispatcher_becomes_a_host_failure() {
        // The same wrapper host_dispatch uses: the panic stays inside, JIT code sees a status.
        assert_eq!(status_of(|| panic!("host import exploded")), HOST_FAILED);
        assert_eq!(status_of(|| 0), 0);
    }
}
