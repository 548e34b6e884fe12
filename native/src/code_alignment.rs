//! Where each function's machine code starts. cranelift-jit places a function at the ISA's
//! minimum alignment (1 byte on x86_64), so the same code lands at a different offset within
//! its cache lines and fetch blocks from one module to the next. Wasmtime gives every wasm
//! function the ISA's preferred alignment (32 bytes on x86_64) instead; this provider does the
//! same for our code, so identical code is laid out identically.
//!
//! For measurements that must not hang on one layout's luck, a layout seed instead puts a
//! pseudo-random 0 to 63 bytes before each function (no alignment): the same code then starts
//! at every offset within its cache lines across seeds, and medians over seeds compare code,
//! not where it happened to land.

use cranelift_jit::{BranchProtection, JITMemoryKind, JITMemoryProvider};
use cranelift_module::ModuleResult;
use std::io;

/// A memory provider that aligns every executable allocation to at least `code_alignment`, or,
/// with a layout seed, shifts each by a pseudo-random padding.
pub struct AlignedCode<P> {
    inner: P,
    code_alignment: u64,
    shuffle: Option<LayoutShuffle>,
}

impl<P> AlignedCode<P> {
    pub fn new(inner: P, code_alignment: u64, layout_seed: Option<u64>) -> Self {
        Self {
            inner,
            code_alignment: code_alignment.max(1),
            shuffle: layout_seed.map(|seed| LayoutShuffle { state: seed }),
        }
    }
}

/// The paddings of one layout: splitmix64 from the seed (deterministic, so a seed names a layout).
struct LayoutShuffle {
    state: u64,
}

/// One cache line: the paddings cover every start offset within it.
const SHUFFLE_SPAN: u64 = 64;

impl LayoutShuffle {
    fn next_padding(&mut self) -> usize {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % SHUFFLE_SPAN) as usize
    }
}

impl<P: JITMemoryProvider> JITMemoryProvider for AlignedCode<P> {
    fn allocate(&mut self, size: usize, align: u64, kind: JITMemoryKind) -> io::Result<*mut u8> {
        let executable = matches!(kind, JITMemoryKind::Executable);
        let align = match (executable, &mut self.shuffle) {
            (true, Some(shuffle)) => {
                // Bytes never executed: the next allocation starts right after them.
                let padding = shuffle.next_padding();
                if padding > 0 {
                    self.inner.allocate(padding, 1, JITMemoryKind::Executable)?;
                }
                align
            }
            (true, None) => align.max(self.code_alignment),
            (false, _) => align,
        };
        self.inner.allocate(size, align, kind)
    }

    unsafe fn free_memory(&mut self) {
        // SAFETY: the caller upholds free_memory's contract (no code or data of this provider is
        // used afterwards); this wrapper adds no state of its own to the memory.
        unsafe { self.inner.free_memory() }
    }

    fn finalize(&mut self, branch_protection: BranchProtection) -> ModuleResult<()> {
        self.inner.finalize(branch_protection)
    }
}

#[cfg(test)]
mod tests {
    use super::LayoutShuffle;

    fn paddings(seed: u64, n: usize) -> Vec<usize> {
        let mut shuffle = LayoutShuffle { state: seed };
        (0..n).map(|_| shuffle.next_padding()).collect()
    }

    #[test]
    fn a_seed_names_one_sequence_of_paddings_within_a_cache_line() {
        assert_eq!(paddings(7, 50), paddings(7, 50));
        assert_ne!(paddings(7, 50), paddings(8, 50));
        let many = paddings(1, 4096);
        assert!(many.iter().all(|&p| p < 64));
        // Every start offset within a line comes up.
        for offset in 0..64 {
            assert!(many.contains(&offset), "offset {offset} never drawn");
        }
    }
}
