//! wasm-smith inputs shared by the generated-modules test and the `smith_modules` example
//! (which writes the modules the TypeScript side runs against V8).

/// Deterministic bytes for a seed (xorshift64*), the raw input wasm-smith shapes a module from.
pub fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// wasm-smith's defaults with every proposal the front end does not translate turned off.
pub fn translatable_config() -> wasm_smith::Config {
    wasm_smith::Config {
        // SIMD and relaxed SIMD are translated (Wasmtime's lowering).
        simd_enabled: true,
        relaxed_simd_enabled: true,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: true,
        wide_arithmetic_enabled: false,
        extended_const_enabled: true,
        compact_imports_enabled: false,
        custom_page_sizes_enabled: false,
        shared_everything_threads_enabled: false,
        ..wasm_smith::Config::default()
    }
}
