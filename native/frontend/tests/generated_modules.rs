//! Randomly generated valid modules (wasm-smith) restricted to what the front end translates:
//! each must translate in every metering mode and every function must re-parse and verify.
//! The seeds are fixed so the test is reproducible; `SLACKFUEL_SMITH_SEEDS=N` runs N seeds.

mod common;

#[path = "common/smith.rs"]
mod smith;

use arbitrary::Unstructured;
use common::{MODES, translate_and_verify};
use smith::{seed_bytes, translatable_config};

fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        max_memories: 1,
        max_tables: 3,
        min_funcs: 1,
        ..translatable_config()
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
