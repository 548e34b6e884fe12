//! The real coverage test: every committed C-compiled module translates in every metering mode,
//! and every function re-parses and verifies.

mod common;

use std::path::PathBuf;

use common::{MODES, translate_and_verify};

fn modules(dir: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    files.sort();
    files
}

fn check_dir(dir: &str, expected_at_least: usize) {
    let files = modules(dir);
    assert!(
        files.len() >= expected_at_least,
        "{dir}: found {} modules",
        files.len()
    );
    for path in files {
        let wasm = std::fs::read(&path).expect("readable module");
        for mode in MODES {
            let module = translate_and_verify(&wasm, mode);
            assert!(
                !module.functions.is_empty(),
                "{}: no functions",
                path.display()
            );
            assert_eq!(
                module.functions.len() + module.num_imported_functions as usize,
                module.function_types.len(),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn bench_modules_translate_and_verify_in_every_mode() {
    check_dir("bench/wasm", 18);
}

#[test]
fn wasi_fixture_modules_translate_and_verify_in_every_mode() {
    check_dir("tests/fixtures/wasi/wasm", 8);
}
