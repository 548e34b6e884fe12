//! Waiting briefly by polling before sleeping. A host call is a round trip between the wasm
//! thread and Node's main thread; when either side sleeps on a futex or in the event loop, waking
//! it costs tens of microseconds on this kind of machine (measured: 55 µs per host call with both
//! sides sleeping, 12 µs with the wasm thread polling; docs/runtime.md, "Host calls"). Each
//! side therefore polls for a bounded time first, yielding its core between polls so that a
//! single-core machine still runs the other side.

use std::time::{Duration, Instant};

/// How long the wasm thread polls for a host function's answer before it sleeps.
pub(super) const HOST_ANSWER_POLL: Duration = Duration::from_micros(200);

/// Calls `ready` until it gives `Some`, or `limit` has passed (then `None`). `ready` is called
/// at least once.
pub(super) fn poll_for<T>(limit: Duration, mut ready: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(value) = ready() {
            return Some(value);
        }
        if start.elapsed() >= limit {
            return None;
        }
        std::thread::yield_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_the_first_value_ready() {
        let mut calls = 0;
        let got = poll_for(Duration::from_secs(5), || {
            calls += 1;
            (calls == 3).then_some(calls)
        });
        assert_eq!(got, Some(3));
    }

    #[test]
    fn gives_up_after_the_limit_having_asked_at_least_once() {
        let mut calls = 0;
        let started = Instant::now();
        let got: Option<()> = poll_for(Duration::from_millis(2), || {
            calls += 1;
            None
        });
        assert_eq!(got, None);
        assert!(calls >= 1);
        assert!(started.elapsed() >= Duration::from_millis(2));
    }
}
