//! Writes wasm-smith modules for differential fuzzing against Wasmtime (`npm run fuzz`,
//! scripts/fuzz-wasmtime.ts): `cargo run --release --example fuzz_modules -- OUTDIR FIRST_SEED COUNT`
//! writes OUTDIR/seed-N.wasm for each seed.
//!
//! The features are Wasmtime 48's defaults less what the front end refuses (GC, threads,
//! exceptions, wide arithmetic, custom page sizes; one memory); memory64 (at most 4 MiB) and
//! extended constant expressions are on.
//! Modules import nothing and export everything; NaNs are left as the hardware makes them (the
//! fuzzer compares their bits). Odd seeds get wasm-smith's termination global (a counter that
//! traps with `unreachable` when it runs out), so they finish; even seeds may loop forever
//! and are bounded by the fuel budget, which exercises out-of-fuel.

#[path = "../tests/common/smith.rs"]
mod smith;

use arbitrary::Unstructured;
use smith::{seed_bytes, translatable_config};
use std::path::PathBuf;

fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        max_memories: 1,
        max_imports: 0,
        min_funcs: 3,
        max_funcs: 8,
        max_instructions: 120,
        max_data_segments: 4,
        max_element_segments: 4,
        max_elements: 20,
        export_everything: true,
        canonicalize_nans: false,
        allow_start_export: false,
        max_memory32_bytes: 4 << 20,
        max_memory64_bytes: 4 << 20,
        max_table_elements: 1000,
        ..translatable_config()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, first, count] = args.as_slice() else {
        eprintln!("usage: fuzz_modules OUTDIR FIRST_SEED COUNT");
        std::process::exit(2);
    };
    let (Ok(first), Ok(count)) = (first.parse::<u64>(), count.parse::<u64>()) else {
        eprintln!("FIRST_SEED and COUNT are whole numbers");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    for seed in first..first + count {
        let bytes = seed_bytes(seed, 16 * 1024);
        let mut u = Unstructured::new(&bytes);
        let module = wasm_smith::Module::new(config(), &mut u)
            .map_err(|e| e.to_string())
            .and_then(|mut m| {
                if seed % 2 == 1 {
                    m.ensure_termination(2000).map_err(|e| e.to_string())?;
                }
                Ok(m)
            });
        match module {
            Ok(m) => {
                if let Err(e) = std::fs::write(dir.join(format!("seed-{seed}.wasm")), m.to_bytes())
                {
                    eprintln!("cannot write seed {seed}: {e}");
                    std::process::exit(1);
                }
            }
            // wasm-smith can run out of input bytes; such a seed simply yields no module.
            Err(e) => eprintln!("seed {seed}: no module ({e})"),
        }
    }
}
