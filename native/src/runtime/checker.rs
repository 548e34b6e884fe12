//! `FuelChecker`, the napi class that interrupts the wasm thread to check its fuel: once, or
//! periodically from a timer thread paced by the fuel rate it observes.

use super::thread_handle::{ThreadHandle, UNOBSERVED};
use crate::errors::{Failure, NativeResult, guard};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The stop flag of a periodic checker, with a condition variable so stopping wakes it.
struct StopSignal {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl StopSignal {
    /// Waits up to `timeout`; true once stopped.
    fn wait(&self, timeout: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, timeout, |stopped| !*stopped)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }

    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.wake.notify_all();
    }
}

struct Periodic {
    stop: Arc<StopSignal>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Periodic {
    fn drop(&mut self) {
        // Wakes the timer, which sends nothing more and ends; not joined, so the caller never
        // waits for it.
        self.stop.stop();
        drop(self.thread.take());
    }
}

/// Paces periodic checks by the fuel rate: the time until the budget could run out, at the
/// rate observed between the last two checks, halved, between `min` and `max`. When the last
/// check saw no metered code, or saw no progress since the one before (the thread is in host
/// code, a new call began), it checks every `min`. The outcome never depends on the pace (design.md): only how late an
/// exhausted budget is noticed does, at most `max` (plus one `min`) when the rate jumps, about
/// `min` when it is steady.
struct Pacer {
    min: Duration,
    max: Duration,
    /// When the previous observation's check was sent, and the counter it saw.
    last: Option<(Instant, i64)>,
}

impl Pacer {
    /// The wait, from `now`, before the next check, given the counter `seen` by the check sent
    /// at `sent` (observations arrive one check late, so the time since counts against it).
    fn next(&mut self, now: Instant, sent: Instant, seen: i64) -> Duration {
        let last = self.last.replace((sent, seen));
        if seen == UNOBSERVED || seen >= 0 {
            return self.min;
        }
        let Some((before, counted)) = last else {
            return self.min;
        };
        let elapsed = sent.saturating_duration_since(before).as_secs_f64();
        if counted == UNOBSERVED || seen <= counted || elapsed <= 0.0 {
            return self.min;
        }
        let rate = (seen - counted) as f64 / elapsed;
        let until_empty = (-seen) as f64 / rate - now.saturating_duration_since(sent).as_secs_f64();
        let wait = (until_empty / 2.0).clamp(self.min.as_secs_f64(), self.max.as_secs_f64());
        Duration::from_secs_f64(wait)
    }
}

/// Interrupts the wasm thread to check its fuel: `check()` once, or periodically.
#[napi_derive::napi]
pub struct FuelChecker {
    handle: Arc<ThreadHandle>,
    periodic: Option<Periodic>,
}

impl FuelChecker {
    pub(super) fn new(handle: Arc<ThreadHandle>) -> FuelChecker {
        FuelChecker {
            handle,
            periodic: None,
        }
    }

    /// `start`'s work (see there).
    fn start_periodic(
        &mut self,
        interval_ms: f64,
        max_interval_ms: Option<f64>,
    ) -> NativeResult<()> {
        let max_ms = max_interval_ms.unwrap_or(interval_ms);
        let valid = |ms: f64| ms.is_finite() && ms > 0.0 && ms <= 60_000.0;
        if !(valid(interval_ms) && valid(max_ms) && max_ms >= interval_ms) {
            return Err(Failure::call(
                "check intervals must be positive numbers of milliseconds (at most 60000), the maximum no less than the minimum",
            ));
        }
        self.periodic = None;
        let stop = Arc::new(StopSignal {
            stopped: Mutex::new(false),
            wake: Condvar::new(),
        });
        let handle = Arc::clone(&self.handle);
        handle.observed.store(UNOBSERVED, Ordering::Relaxed);
        let flag = Arc::clone(&stop);
        let mut pacer = Pacer {
            min: Duration::from_secs_f64(interval_ms / 1000.0),
            max: Duration::from_secs_f64(max_ms / 1000.0),
            last: None,
        };
        let thread = std::thread::Builder::new()
            .name("slackfuel-checker".into())
            .spawn(move || {
                let mut wait = pacer.min;
                let mut previous: Option<Instant> = None;
                while !flag.wait(wait) {
                    // What the previous check saw, then the next check.
                    let seen = handle.observed.load(Ordering::Relaxed);
                    let now = Instant::now();
                    handle.check();
                    wait = previous.map_or(pacer.min, |sent| pacer.next(now, sent, seen));
                    previous = Some(now);
                }
            })
            .map_err(|e| Failure::call(format!("could not start the checker thread: {e}")))?;
        self.periodic = Some(Periodic {
            stop,
            thread: Some(thread),
        });
        Ok(())
    }
}

#[napi_derive::napi]
impl FuelChecker {
    /// Sends one check; false when the thread has exited.
    #[napi]
    pub fn check(&self) -> napi::Result<bool> {
        guard(|| Ok(self.handle.check()))
    }

    /// Checks from a timer thread until `stop()`: every `interval_ms` milliseconds, or, with
    /// `max_interval_ms` above it, paced by the fuel rate the checks observe: every
    /// `interval_ms` while the budget could run out soon, up to every `max_interval_ms` while
    /// the observed rate says it cannot (see `Pacer`).
    #[napi]
    pub fn start(&mut self, interval_ms: f64, max_interval_ms: Option<f64>) -> napi::Result<()> {
        guard(|| self.start_periodic(interval_ms, max_interval_ms))
    }

    /// Stops periodic checking (idempotent).
    #[napi]
    pub fn stop(&mut self) -> napi::Result<()> {
        guard(|| {
            self.periodic = None;
            Ok(())
        })
    }

    /// Checks sent so far (successful pthread_sigqueue calls).
    #[napi(getter)]
    pub fn sent(&self) -> napi::Result<f64> {
        guard(|| Ok(self.handle.sent.load(Ordering::Relaxed) as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer(min_ms: u64, max_ms: u64) -> Pacer {
        Pacer {
            min: Duration::from_millis(min_ms),
            max: Duration::from_millis(max_ms),
            last: None,
        }
    }

    #[test]
    fn a_distant_budget_at_a_steady_rate_waits_the_maximum() {
        let mut p = pacer(1, 20);
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        // 1,000 units per ms, 10^12 units left: the budget is hours away.
        assert_eq!(
            p.next(ms(1), ms(0), -1_000_000_000_000),
            Duration::from_millis(1)
        );
        assert_eq!(
            p.next(ms(2), ms(1), -999_999_999_000),
            Duration::from_millis(20)
        );
        assert_eq!(
            p.next(ms(22), ms(2), -999_999_998_000),
            Duration::from_millis(20)
        );
    }

    #[test]
    fn a_budget_close_to_empty_waits_half_the_time_left_and_never_below_the_minimum() {
        let mut p = pacer(1, 20);
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        p.next(ms(1), ms(0), -21_000);
        // 1,000 units per ms, 20,000 left: empty in 20 ms, less the 1 ms since that check.
        let wait = p.next(ms(2), ms(1), -20_000).as_secs_f64();
        assert!((wait - 0.0095).abs() < 1e-9, "{wait}");
        // 1,000 left: half a millisecond away, so the minimum.
        assert_eq!(p.next(ms(21), ms(20), -1_000), Duration::from_millis(1));
    }

    #[test]
    fn no_progress_no_metered_code_or_a_spent_counter_checks_at_the_minimum() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut p = pacer(1, 20);
        p.next(ms(1), ms(0), -5_000_000);
        // The thread did not advance (in host code, or not scheduled): no rate to trust.
        assert_eq!(p.next(ms(2), ms(1), -5_000_000), Duration::from_millis(1));
        let mut p = pacer(1, 20);
        assert_eq!(p.next(ms(1), ms(0), UNOBSERVED), Duration::from_millis(1));
        assert_eq!(p.next(ms(2), ms(1), -5_000_000), Duration::from_millis(1));
        let mut p = pacer(1, 20);
        p.next(ms(1), ms(0), -10);
        assert_eq!(p.next(ms(2), ms(1), 5), Duration::from_millis(1));
    }
}
