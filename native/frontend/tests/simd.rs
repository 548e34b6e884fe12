//! 128-bit SIMD: the WAT fixtures of every operator group translate in every metering mode, and
//! every function re-parses, passes Cranelift's verifier and prints back to the same text.

mod common;

use common::all_modes;

fn fixture(path: &str) -> String {
    let full = format!("{}/../../tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn simd_fixture_translates_and_verifies() {
    let modules = all_modes(&fixture("wat/simd.wat"));
    let vanilla = &modules[1];
    let text: String = vanilla.functions.iter().map(|f| f.clif.clone()).collect();
    // v128 travels as i8x16 and is bitcast to the lane type an operator needs.
    for needle in [
        "i8x16",
        "bitcast.i32x4 little",
        "vconst.i8x16 const0",
        "shuffle",
        "swizzle",
        "vhigh_bits.i32",
        "sload8x8",
        "snarrow",
        "iadd_pairwise",
        "insertlane",
        "extractlane",
    ] {
        assert!(text.contains(needle), "missing `{needle}`");
    }
    let types: Vec<_> = vanilla
        .types
        .iter()
        .flat_map(|t| t.params.clone())
        .collect();
    assert!(types.contains(&slackfuel_frontend::ValueType::V128));
}

#[test]
fn relaxed_fixture_translates_and_verifies() {
    all_modes(&fixture("wasmtime/simd.wat"));
}
