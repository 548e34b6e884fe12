//! Measures how long translating modules takes, per metering mode.
//! Usage: [THREADS=N] cargo run --release --example translate_bench -- FILE.wasm...
//! THREADS: the threads translating bodies (default 0: the machine's cores).

use std::time::Instant;

use slackfuel_frontend::{Metering, TranslateOptions, translate};

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: translate_bench FILE.wasm...");
        std::process::exit(2);
    }
    let modules: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}")),
            )
        })
        .collect();
    let bytes: usize = modules.iter().map(|(_, w)| w.len()).sum();
    let threads: u32 = std::env::var("THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    for metering in [Metering::None, Metering::Vanilla, Metering::Epoch] {
        let options = TranslateOptions {
            metering,
            threads,
            ..TranslateOptions::default()
        };
        let start = Instant::now();
        let mut functions = 0;
        let mut clif_bytes = 0;
        for (name, wasm) in &modules {
            let module = translate(wasm, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            functions += module.functions.len();
            clif_bytes += module.functions.iter().map(|f| f.clif.len()).sum::<usize>();
        }
        let elapsed = start.elapsed();
        println!(
            "{metering:?}: {} modules ({bytes} wasm bytes, {functions} functions, {clif_bytes} CLIF bytes) in {:.1} ms",
            modules.len(),
            elapsed.as_secs_f64() * 1000.0
        );
    }
}
