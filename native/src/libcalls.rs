//! Library calls Cranelift's x86_64 backend emits that no system library defines. Without SSSE3,
//! shuffles and swizzles lower to a call to `__cranelift_x86_pshufb` (Cranelift's own test
//! harness defines it); the JIT resolves that name to the function here.

use cranelift_jit::JITBuilder;

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::__m128i;

    fn bytes(v: __m128i) -> [u8; 16] {
        // SAFETY: __m128i and [u8; 16] are both 16 bytes of plain data; every bit pattern is a
        // valid value of either.
        unsafe { std::mem::transmute::<__m128i, [u8; 16]>(v) }
    }

    fn vector(b: [u8; 16]) -> __m128i {
        // SAFETY: as in `bytes`.
        unsafe { std::mem::transmute::<[u8; 16], __m128i>(b) }
    }

    /// SSSE3's `pshufb`: byte `i` of the result is `a[m[i] & 15]`, or 0 when `m[i]`'s top bit is
    /// set. Called from JIT code with the System V convention (vectors in xmm registers); it
    /// cannot panic, and a panic would still be caught rather than unwind into JIT frames.
    // __m128i is C's __m128i, which the System V ABI passes and returns in xmm registers, as
    // the Cranelift call expects (the runtests check the result on a target without SSSE3).
    #[allow(improper_ctypes_definitions)]
    pub extern "C" fn pshufb(a: __m128i, m: __m128i) -> __m128i {
        std::panic::catch_unwind(|| {
            let (a, m) = (bytes(a), bytes(m));
            let mut out = [0u8; 16];
            for (o, &sel) in out.iter_mut().zip(m.iter()) {
                if sel & 0x80 == 0 {
                    *o = a.get(usize::from(sel & 0x0f)).copied().unwrap_or(0);
                }
            }
            vector(out)
        })
        .unwrap_or_else(|_| vector([0; 16]))
    }
}

/// Makes the JIT resolve the library calls above.
pub fn register(builder: &mut JITBuilder) {
    #[cfg(target_arch = "x86_64")]
    builder.symbol("__cranelift_x86_pshufb", x86::pshufb as *const u8);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = builder;
}
