//! The wasm thread: receives call jobs, runs them through the JIT module with the instance's
//! context, and settles each call's pending step with its outcome.

use super::context::Context;
use super::host_dispatch::{MemberView, WORKER, WorkerState};
use super::reply::Reply;
use super::steps::{Job, Outcome};
use super::thread_handle::{LIVENESS, Liveness, ThreadHandle};
use crate::errors::Failure;
use crate::jit::{self, LoadedModule};
use crate::signals;
use crate::signals::TrapInfo;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;

/// A failed builtin makes the code trap with `user5`; report the trap it recorded instead.
fn builtin_trap(context: &Context, failure: Failure) -> Failure {
    let Some(state) = &context.wasm else {
        return failure;
    };
    let Ok(mut guard) = state.lock() else {
        return failure;
    };
    // Only a `user5` trap consumes the recorded code: a member's record waits for its trap.
    let is_builtin = matches!(&failure, Failure::Trap { trap_code, .. } if trap_code == "user5");
    let recorded = if is_builtin {
        guard.last_trap.take()
    } else {
        None
    };
    drop(guard);
    match (failure, recorded) {
        (
            Failure::Trap {
                message,
                trap_code,
                function,
                offset,
                signal,
            },
            Some(code),
        ) if trap_code == "user5" => Failure::Trap {
            message: message.replacen("trap user5", &format!("trap {code}"), 1),
            trap_code: code.to_string(),
            function,
            offset,
            signal,
        },
        (failure, _) => failure,
    }
}

/// A store member on the wasm thread: an instance's code and the memory its vmctx addresses.
pub(super) struct Member {
    pub(super) id: usize,
    pub(super) module: LoadedModule,
    pub(super) context: Context,
}

// SAFETY: `instantiate` builds a member (machine code and the raw pointers into it) and moves it
// to its store's wasm thread at once, founding member or `Job::Join`; from then on it is used
// and dropped only there.
unsafe impl Send for Member {}

/// The store's wasm thread. Member 0 founded the store: its store context (fuel counter, epoch
/// deadline, stack limit) is the one every member's vmctx points at. Members stay until the
/// thread exits, when the last handle on the store is gone: another member's tables or
/// imports may still reach their code.
pub(super) fn worker(founder: Member, jobs: Receiver<Job>, handle: Arc<ThreadHandle>) {
    // SAFETY: the slot lives in the Arc'd handle; this thread holds a reference to it from here
    // on (this function's `handle`, then Liveness), and Liveness clears the slot before dropping
    // that reference as the thread exits. The C handler and the checker access it only
    // atomically. Set before the thread id is published, so no check finds it unset.
    unsafe { signals::set_observed_counter(handle.observed.as_ptr()) };
    // SAFETY: as above: the flag lives in the handle this thread keeps alive, Liveness clears
    // the pointer on exit, and the flag is only accessed atomically.
    unsafe { signals::set_interrupt_flag(handle.interrupt.as_ptr()) };
    let stop = Arc::clone(&handle);
    {
        let mut guard = handle.thread.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some(signals::current_thread());
    }
    LIVENESS.with(|cell| *cell.borrow_mut() = Some(Liveness(handle)));
    WORKER.with(|cell| {
        *cell.borrow_mut() = Some(WorkerState {
            jobs,
            pending: None,
            members: Vec::new(),
            joined: Vec::new(),
        })
    });
    let mut members: Vec<Member> = Vec::new();
    admit(&mut members, founder);
    loop {
        let job = WORKER.with(|cell| cell.borrow().as_ref().map(|s| s.jobs.recv()));
        let Some(Ok(job)) = job else { break };
        match job {
            Job::Join(member) => admit(&mut members, member),
            Job::Call {
                member,
                index,
                args,
                fuel,
                reply,
            } => {
                let outcome = match members.iter().position(|m| m.id == member) {
                    Some(at) => call(&mut members, at, index, &args, fuel, reply, &stop),
                    None => {
                        reply.deliver(Outcome::Failed(Failure::call(format!(
                            "no store member {member}"
                        ))));
                        None
                    }
                };
                if let Some((reply, outcome)) = outcome {
                    reply.deliver(outcome);
                }
                // Members that joined while a host function ran (the dispatcher queued them).
                let joined = WORKER.with(|cell| {
                    cell.borrow_mut()
                        .as_mut()
                        .map(|s| std::mem::take(&mut s.joined))
                        .unwrap_or_default()
                });
                // (the dispatcher made them known already)
                members.extend(joined);
            }
            Job::Resume { reply, .. } => reply.deliver(Outcome::Failed(Failure::call(
                "no host function is waiting for results",
            ))),
        }
    }
    WORKER.with(|cell| *cell.borrow_mut() = None);
    drop(members);
}

/// Adds a member, and makes it known to the host dispatcher (which reports host calls by
/// member, and refreshes every member's memory fields when a host function returns).
fn admit(members: &mut Vec<Member>, member: Member) {
    WORKER.with(|cell| {
        if let Some(s) = cell.borrow_mut().as_mut() {
            s.members.push(MemberView {
                id: member.id,
                vmctx: member.context.vmctx_address() as usize,
                wasm: member.context.wasm.clone(),
            });
        }
    });
    members.push(member);
}

/// Runs function `index` of `members[at]`. Returns where to deliver the outcome (the reply
/// left pending by the last host call, if any). The store context is member 0's.
fn call(
    members: &mut [Member],
    at: usize,
    index: usize,
    args: &[u8],
    fuel: Option<i64>,
    reply: Reply,
    stop: &ThreadHandle,
) -> Option<(Reply, Outcome)> {
    {
        let store = &mut members[0].context;
        if let Some(f) = fuel {
            store.set_fuel(f);
        }
        store.set_stack_limit();
    }
    for m in members.iter_mut() {
        refresh_memories(&mut m.context);
    }
    let (module, context) = (&members[at].module, &members[at].context);
    let mut full = context.vmctx_address().to_le_bytes().to_vec();
    full.resize(jit::SLOT_BYTES, 0);
    full.extend_from_slice(args);
    WORKER.with(|cell| {
        if let Some(s) = cell.borrow_mut().as_mut() {
            s.pending = Some(reply);
        }
    });
    let store = &members[0].context;
    // The wasm thread's body is an entry point too: a panic here (never in JIT code, which
    // reaches Rust only through guarded C entry points) must still settle the call's promise,
    // with a NativePanic.
    let run = AssertUnwindSafe(|| match module.call_raw(index, &full) {
        _ if stop.interrupt.load(Ordering::SeqCst) != 0 => {
            Outcome::Failed(Failure::ModuleDisposedError {
                message: "the instance was disposed while the call ran; the call was interrupted"
                    .to_string(),
            })
        }
        Ok(Ok(slots)) => Outcome::Returned {
            slots,
            fuel: store.fuel(),
        },
        Ok(Err(trap)) => Outcome::Trapped {
            failure: trap_failure(members, &trap),
            trap,
            fuel: store.fuel(),
        },
        Err(failure) => Outcome::Failed(failure),
    });
    let outcome = catch_unwind(run).unwrap_or_else(|payload| {
        Outcome::Failed(Failure::NativePanic {
            message: format!("panic on the wasm thread: {}", panic_text(&*payload)),
        })
    });
    let pending = WORKER.with(|cell| cell.borrow_mut().as_mut().and_then(|s| s.pending.take()));
    pending.map(|reply| (reply, outcome))
}

/// The trap, named after the member whose code it hit (a call may run other members' code),
/// with the trap a failed builtin recorded in place of its `user5`.
fn trap_failure(members: &[Member], trap: &TrapInfo) -> Failure {
    let owner = members
        .iter()
        .find(|m| m.module.owns_pc(trap.pc))
        .unwrap_or(&members[0]);
    let failure = owner.module.trap_failure(trap);
    members
        .iter()
        .fold(failure, |failure, m| builtin_trap(&m.context, failure))
}

/// Brings the vmctx's memory fields up to date before the instance's code runs (another
/// instance sharing one of its memories may have grown it meanwhile).
fn refresh_memories(context: &mut Context) {
    let vmctx = context.vmctx.as_mut_ptr().cast::<u8>();
    if let Some(state) = &context.wasm {
        state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .refresh(vmctx);
    }
}

/// A panic payload's message, when it is a string.
fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string payload")
}
