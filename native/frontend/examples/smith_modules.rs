//! Writes wasm-smith modules for differential testing against V8 (tests/wasm/smith.test.ts; the committed set is tests/wasm/smith/):
//! `cargo run --release --example smith_modules -- OUTDIR FIRST_SEED COUNT`.
//! The modules use only what the front end translates, import nothing, export everything,
//! canonicalise NaNs (so memory contents are deterministic) and always terminate (a fuel global
//! decremented at function entries and loop headers traps with `unreachable` when it runs out).

#[path = "../tests/common/smith.rs"]
mod smith;

use arbitrary::Unstructured;
use smith::{seed_bytes, translatable_config};
use std::path::PathBuf;

fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        tail_call_enabled: false,
        max_memories: 1,
        max_tables: 2,
        max_imports: 0,
        min_funcs: 4,
        max_instructions: 400,
        export_everything: true,
        canonicalize_nans: true,
        allow_start_export: false,
        max_memory32_bytes: 16 << 20,
        max_table_elements: 10_000,
        ..translatable_config()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, first, count] = args.as_slice() else {
        eprintln!("usage: smith_modules OUTDIR FIRST_SEED COUNT");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    let first: u64 = first.parse().expect("FIRST_SEED is a number");
    let count: u64 = count.parse().expect("COUNT is a number");
    std::fs::create_dir_all(&dir).expect("create OUTDIR");
    for seed in first..first + count {
        let bytes = seed_bytes(seed, 64 * 1024);
        let mut u = Unstructured::new(&bytes);
        let mut module =
            wasm_smith::Module::new(config(), &mut u).expect("wasm-smith builds a module");
        module.ensure_termination(1000).expect("fuel global added");
        std::fs::write(dir.join(format!("seed-{seed:04}.wasm")), module.to_bytes())
            .expect("write module");
    }
}
