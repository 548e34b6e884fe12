//! Where the next step of a call goes. `Promise`: a JavaScript promise, settled through Node's
//! event loop. `Rendezvous`: a slot the main thread polls for a short while right after it
//! answered a host call (`NativeInstance::resume_wait`), so that a call making many host calls
//! in quick succession never waits for the event loop to wake; if the step takes longer, the
//! main thread hands the slot over to a promise (`NativeInstance::next_step`).

use super::short_wait::poll_for;
use super::steps::{Deferred, Outcome, settle};
use crate::errors::Failure;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(super) enum Reply {
    Promise(Deferred),
    Rendezvous(Arc<Rendezvous>),
}

impl Reply {
    /// Hands `outcome` to whoever waits for it.
    pub(super) fn deliver(self, outcome: Outcome) {
        match self {
            Reply::Promise(deferred) => settle(deferred, outcome),
            Reply::Rendezvous(slot) => slot.deliver(outcome),
        }
    }
}

/// One step's meeting point between the wasm thread (which delivers) and the main thread
/// (which polls, then may ask for a promise instead). Each step is delivered once and taken once.
pub(super) struct Rendezvous {
    state: Mutex<State>,
    /// Set with the outcome, so polling does not take the lock.
    ready: AtomicBool,
}

enum State {
    /// Nothing delivered yet; the main thread polls or will ask for a promise.
    Waiting,
    Ready(Outcome),
    /// The main thread stopped polling: deliver into this promise.
    Promised(Deferred),
    /// Taken by the main thread (or handed to the promise).
    Taken,
}

impl Rendezvous {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Rendezvous {
            state: Mutex::new(State::Waiting),
            ready: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn deliver(&self, outcome: Outcome) {
        let mut state = self.lock();
        match std::mem::replace(&mut *state, State::Taken) {
            State::Promised(deferred) => settle(deferred, outcome),
            State::Waiting => {
                *state = State::Ready(outcome);
                self.ready.store(true, Ordering::Release);
            }
            // A step is delivered once: the wasm thread owns the only `Reply` for it.
            earlier @ (State::Ready(_) | State::Taken) => *state = earlier,
        }
    }

    /// The outcome, if it is delivered within `limit`.
    pub(super) fn wait(&self, limit: Duration) -> Option<Outcome> {
        poll_for(limit, || {
            if !self.ready.load(Ordering::Acquire) {
                return None;
            }
            let mut state = self.lock();
            match std::mem::replace(&mut *state, State::Taken) {
                State::Ready(outcome) => Some(outcome),
                other => {
                    *state = other;
                    None
                }
            }
        })
    }

    /// Settles `deferred` with the outcome when it is delivered (now, if it already was).
    pub(super) fn promise(&self, deferred: Deferred) {
        let mut state = self.lock();
        match std::mem::replace(&mut *state, State::Taken) {
            State::Waiting => *state = State::Promised(deferred),
            State::Ready(outcome) => settle(deferred, outcome),
            State::Promised(earlier) => {
                *state = State::Promised(deferred);
                settle(
                    earlier,
                    Outcome::Failed(Failure::call("superseded by a later next_step")),
                );
            }
            State::Taken => settle(
                deferred,
                Outcome::Failed(Failure::call("no step of this call is pending")),
            ),
        }
    }
}
