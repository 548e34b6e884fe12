//! `--deterministic`: WASI's randomness and clocks as fixed sequences. A guest whose control
//! flow reads them (Go's runtime seeds its map hashes from `random_get` and paces its scheduler
//! and collector by the monotonic clock) then runs the same way every time, so its fuel is
//! reproducible and comparable with slackfuel's, which defines the same sequences
//! (src/wasi/deterministic.ts). Sleeps still take real time; only what the guest reads is fixed.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use wasmtime_wasi::{HostMonotonicClock, HostWallClock};

/// Every clock read advances the clock it reads by this much (1 ms).
pub const STEP_NS: u64 = 1_000_000;
/// The wall clock's first reading: 2023-11-14T22:13:20Z.
pub const WALL_START_NS: u64 = 1_700_000_000 * 1_000_000_000;

/// Byte `k` of the random stream: the low byte of SplitMix64's `k`-th output (seed 0).
pub fn random_byte(k: u64) -> u8 {
    let mut z = k.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u8
}

/// `random_get`'s source: whatever width Wasmtime asks for (it draws one word per byte), each
/// draw is the stream's next byte, so the guest sees bytes 0, 1, 2, ... in order.
#[derive(Default)]
pub struct StreamRng {
    next: u64,
}

impl StreamRng {
    fn byte(&mut self) -> u8 {
        let b = random_byte(self.next);
        self.next += 1;
        b
    }
}

impl rand_core::TryRng for StreamRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(u32::from(self.byte()))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(u64::from(self.byte()))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.iter_mut().for_each(|b| *b = self.byte());
        Ok(())
    }
}

/// The `n`-th reading (from 0) is `WALL_START_NS + n × STEP_NS`.
#[derive(Default)]
pub struct SteppedWallClock {
    reads: AtomicU64,
}

impl HostWallClock for SteppedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }
    fn now(&self) -> Duration {
        let n = self.reads.fetch_add(1, Ordering::Relaxed);
        Duration::from_nanos(WALL_START_NS + n * STEP_NS)
    }
}

/// The `n`-th reading (from 0) is `(n + 1) × STEP_NS`.
#[derive(Default)]
pub struct SteppedMonotonicClock {
    reads: AtomicU64,
}

impl HostMonotonicClock for SteppedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }
    fn now(&self) -> u64 {
        let n = self.reads.fetch_add(1, Ordering::Relaxed);
        (n + 1) * STEP_NS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same figures as tests/wasi/deterministic.test.ts: both sides define one stream.
    #[test]
    fn the_stream_starts_as_slackfuel_defines_it() {
        let first: Vec<u8> = (0..8).map(random_byte).collect();
        assert_eq!(first, vec![0xaf, 0xf4, 0x4f, 0xec, 0x9b, 0xea, 0xe1, 0x3c]);
    }
}
