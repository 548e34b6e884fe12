//! The wasm thread: receives call jobs, runs them through the JIT module with the instance's
//! context, and settles each call's pending step with its outcome.

use super::context::Context;
use super::host_dispatch::{WORKER, WorkerState};
use super::steps::{Job, Outcome};
use super::thread_handle::{LIVENESS, Liveness, ThreadHandle};
use crate::errors::Failure;
use crate::jit::{self, LoadedModule};
use crate::signals;
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
    let recorded = state.lock().map(|mut s| s.last_trap.take()).unwrap_or(None);
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

pub(super) struct SendModule(pub(super) LoadedModule);
// SAFETY: `instantiate` moves the module (machine code and the raw pointers into it) to the
// wasm thread right after building it; from then on it is used and dropped only there.
unsafe impl Send for SendModule {}

pub(super) fn worker(
    module: SendModule,
    mut context: Context,
    jobs: Receiver<Job>,
    handle: Arc<ThreadHandle>,
) {
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
            wasm: context
                .wasm
                .clone()
                .map(|state| (state, context.vmctx_address() as usize)),
        })
    });
    let module = module.0;
    loop {
        let job = WORKER.with(|cell| cell.borrow().as_ref().map(|s| s.jobs.recv()));
        let Some(Ok(job)) = job else { break };
        match job {
            Job::Call {
                index,
                args,
                fuel,
                reply,
            } => {
                if let Some(f) = fuel {
                    context.set_fuel(f);
                }
                context.set_stack_limit();
                refresh_memories(&mut context);
                let mut full = context.vmctx_address().to_le_bytes().to_vec();
                full.resize(jit::SLOT_BYTES, 0);
                full.extend_from_slice(&args);
                WORKER.with(|cell| {
                    if let Some(s) = cell.borrow_mut().as_mut() {
                        s.pending = Some(reply);
                    }
                });
                // The wasm thread's body is an entry point too: a panic here (never in JIT
                // code, which reaches Rust only through guarded C entry points) must still
                // settle the call's promise, with a NativePanic.
                let run = AssertUnwindSafe(|| {
                    match module.call_raw(index, &full) {
                    _ if stop.interrupt.load(Ordering::SeqCst) != 0 => {
                        Outcome::Failed(Failure::ModuleDisposedError {
                            message: "the instance was disposed while the call ran; the call was interrupted".to_string(),
                        })
                    }
                    Ok(Ok(slots)) => Outcome::Returned {
                        slots,
                        fuel: context.fuel(),
                    },
                    Ok(Err(trap)) => Outcome::Trapped {
                        failure: builtin_trap(&context, module.trap_failure(&trap)),
                        trap,
                        fuel: context.fuel(),
                    },
                    Err(failure) => Outcome::Failed(failure),
                }
                });
                let outcome = catch_unwind(run).unwrap_or_else(|payload| {
                    Outcome::Failed(Failure::NativePanic {
                        message: format!("panic on the wasm thread: {}", panic_text(&*payload)),
                    })
                });
                let pending =
                    WORKER.with(|cell| cell.borrow_mut().as_mut().and_then(|s| s.pending.take()));
                if let Some(reply) = pending {
                    reply.deliver(outcome);
                }
            }
            Job::Resume { reply, .. } => reply.deliver(Outcome::Failed(Failure::call(
                "no host function is waiting for results",
            ))),
        }
    }
    WORKER.with(|cell| *cell.borrow_mut() = None);
    drop(module);
    drop(context);
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
