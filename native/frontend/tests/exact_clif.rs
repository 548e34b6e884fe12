//! Exact expected CLIF for small functions: the fuel shape (entry check, loop-header check,
//! flush before a branch, store and reload around a call) and the epoch shape. The expected
//! texts in tests/expected/ were reviewed by hand against Wasmtime's instrumentation.

mod common;

use common::{translate_and_verify, wat};
use slackfuel_frontend::Metering;

fn last_function(text: &str, metering: Metering) -> String {
    let module = translate_and_verify(&wat(text), metering);
    module
        .functions
        .last()
        .expect("a defined function")
        .clif
        .clone()
}

/// Compares with tests/expected/NAME.clif; `UPDATE_EXPECTED_CLIF=1` rewrites the file instead
/// (review the diff by hand before committing it).
fn check(clif: &str, name: &str) {
    let path = format!("{}/tests/expected/{name}.clif", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("UPDATE_EXPECTED_CLIF").is_some() {
        std::fs::write(&path, clif).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(clif, expected, "{path}");
}

/// Straight-line code: cost 1 at entry is checked, the body's 3 units are flushed at `end`
/// and stored before returning.
#[test]
fn vanilla_entry_check_and_exit_store() {
    let clif = last_function(
        r#"(module (func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))"#,
        Metering::Vanilla,
    );
    check(&clif, "vanilla-straight");
}

/// A loop: the header re-checks the counter; the 5 units of the body are flushed before `br_if`.
#[test]
fn vanilla_loop_header_check_and_flush_before_branch() {
    let clif = last_function(
        r#"(module (func (param i32) (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#,
        Metering::Vanilla,
    );
    check(&clif, "vanilla-loop");
}

/// A call: the counter is flushed and stored before it and reloaded after it.
#[test]
fn vanilla_store_and_reload_around_call() {
    let clif = last_function(
        r#"(module (func $g (param i32) (result i32) (local.get 0)) (func (param i32) (result i32) (call $g (local.get 0)) (i32.const 2) (i32.mul)))"#,
        Metering::Vanilla,
    );
    check(&clif, "vanilla-call");
}

/// Epochs: a full check at entry, a cached check with a cold reload-and-call path at the header.
#[test]
fn epoch_entry_and_loop_header() {
    let clif = last_function(
        r#"(module (func (param i32) (loop $l (br_if $l (local.get 0)))))"#,
        Metering::Epoch,
    );
    check(&clif, "epoch-loop");
}

/// No metering: nothing but the function itself.
#[test]
fn none_has_no_instrumentation() {
    let clif = last_function(
        r#"(module (func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))"#,
        Metering::None,
    );
    check(&clif, "none-straight");
}
