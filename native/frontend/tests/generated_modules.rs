//! Randomly generated valid modules (wasm-smith) restricted to what the front end translates:
//! each must translate in every metering mode and every function must re-parse and verify.
//! The seeds are fixed so the test is reproducible; `SLACKFUEL_SMITH_SEEDS=N` runs N seeds.

mod common;

use arbitrary::Unstructured;
use common::{MODES, translate_and_verify};

/// Deterministic bytes for a seed (xorshift64*), the raw input wasm-smith shapes a module from.
fn seed_bytes(seed: u64, len: usize) -> Vec<u8> {
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

fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: false,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        exceptions_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        compact_imports_enabled: false,
        custom_page_sizes_enabled: false,
        shared_everything_threads_enabled: false,
        max_memories: 1,
        max_tables: 3,
        min_funcs: 1,
        ..wasm_smith::Config::default()
    }
}

#[test]
fn generated_modules_translate_and_verify_in_every_mode() {
    let seeds: u64 = std::env::var("SLACKFUEL_SMITH_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let mut translated = 0;
    for seed in 0..seeds {
        let bytes = seed_bytes(seed, 16 * 1024);
        let mut u = Unstructured::new(&bytes);
        let module = wasm_smith::Module::new(config(), &mut u).expect("wasm-smith builds a module");
        let wasm = module.to_bytes();
        for mode in MODES {
            let out = translate_and_verify(&wasm, mode);
            translated += out.functions.len();
        }
    }
    eprintln!("{seeds} seeds, {translated} functions translated and verified");
    assert!(translated > 0, "the generator produced functions");
}
