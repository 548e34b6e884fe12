//! The wasm thread as check signals reach it: its pthread id while it is alive, the counter the
//! check handler last observed, and the interrupt flag dispose sets.

use crate::signals;
use std::cell::RefCell;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The thread a checker signals. `thread` is Some exactly while the wasm thread is alive: the
/// thread clears it (under the lock) when it exits, and senders hold the lock while sending, so
/// no signal reaches an exited thread whose id may have been reused.
pub struct ThreadHandle {
    pub(super) thread: Mutex<Option<usize>>,
    pub(super) sent: AtomicU64,
    /// The counter the check handler last saw in metered code (UNOBSERVED: none yet).
    pub(super) observed: AtomicI64,
    /// Non-zero once the instance is disposed: a check signal then unwinds the running wasm
    /// in any mode, and the bulk builtins stop between pieces.
    pub(super) interrupt: AtomicI32,
}

/// `ThreadHandle::observed` before any check has seen metered code.
pub(super) const UNOBSERVED: i64 = i64::MIN;

impl ThreadHandle {
    /// Sends one check; false when the thread is gone.
    pub fn check(&self) -> bool {
        signals::reassert_handlers();
        let guard = self.thread.lock().unwrap_or_else(|p| p.into_inner());
        match *guard {
            Some(thread) => {
                // SAFETY: the thread is alive while `thread` is Some and we hold the lock, which
                // the exiting thread must take (Liveness::drop) before it can finish; the check
                // handler was installed by `instantiate` before the thread was started.
                let rc = unsafe { signals::send_check(thread) };
                if rc == 0 {
                    self.sent.fetch_add(1, Ordering::Relaxed);
                }
                rc == 0
            }
            None => false,
        }
    }

    /// Asks the wasm thread to stop what it runs: sets the interrupt flag, then sends check
    /// signals from a short-lived thread until the thread has exited (the jobs channel is
    /// closed by the caller, so the thread ends once its call unwinds), for at most a minute.
    pub(super) fn interrupt(self: &Arc<Self>) {
        if self.interrupt.swap(1, Ordering::SeqCst) != 0 {
            return;
        }
        let handle = Arc::clone(self);
        let _ = std::thread::Builder::new()
            .name("slackfuel-interrupt".into())
            .spawn(move || {
                let until = Instant::now() + Duration::from_secs(60);
                while handle.check() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
    }
}

/// Whether the instance whose wasm thread this is was asked to stop (false on other threads).
/// The bulk builtins poll it between pieces.
pub fn interrupt_requested() -> bool {
    LIVENESS.with(|cell| {
        cell.try_borrow()
            .ok()
            .and_then(|l| {
                l.as_ref()
                    .map(|l| l.0.interrupt.load(Ordering::Relaxed) != 0)
            })
            .unwrap_or(false)
    })
}

/// Clears the handle when the wasm thread exits (thread-local destructor).
pub(super) struct Liveness(pub(super) Arc<ThreadHandle>);

impl Drop for Liveness {
    fn drop(&mut self) {
        // SAFETY: null is the "no slot" value the C handler tests for before storing; this runs
        // on the wasm thread, whose thread-local slot it clears.
        unsafe { signals::set_observed_counter(std::ptr::null_mut()) };
        // SAFETY: null is the "no flag" value the C handler tests for before reading; this runs
        // on the wasm thread, whose thread-local flag it clears.
        unsafe { signals::set_interrupt_flag(std::ptr::null()) };
        let mut guard = self.0.thread.lock().unwrap_or_else(|p| p.into_inner());
        *guard = None;
    }
}

thread_local! {
    /// Set on the wasm thread; its destructor clears the handle when the thread exits.
    pub(super) static LIVENESS: RefCell<Option<Liveness>> = const { RefCell::new(None) };
}
