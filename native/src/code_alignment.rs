//! Where each function's machine code starts. cranelift-jit places a function at the ISA's
//! minimum alignment (1 byte on x86_64), so the same code lands at a different offset within
//! its cache lines and fetch blocks from one module to the next. Wasmtime gives every wasm
//! function the ISA's preferred alignment (32 bytes on x86_64) instead; this provider does the
//! same for our code, so identical code is laid out identically.

use cranelift_jit::{BranchProtection, JITMemoryKind, JITMemoryProvider};
use cranelift_module::ModuleResult;
use std::io;

/// A memory provider that aligns every executable allocation to at least `code_alignment`.
pub struct AlignedCode<P> {
    inner: P,
    code_alignment: u64,
}

impl<P> AlignedCode<P> {
    pub fn new(inner: P, code_alignment: u64) -> Self {
        Self {
            inner,
            code_alignment: code_alignment.max(1),
        }
    }
}

impl<P: JITMemoryProvider> JITMemoryProvider for AlignedCode<P> {
    fn allocate(&mut self, size: usize, align: u64, kind: JITMemoryKind) -> io::Result<*mut u8> {
        let align = match kind {
            JITMemoryKind::Executable => align.max(self.code_alignment),
            _ => align,
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
