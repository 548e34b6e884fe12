//! `translate_rewriting`: the caller's rewrite sees every defined function before it is
//! printed, its edits reach the text, and its first error stops the translation.

mod common;

use common::{options, wat};
use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{Function, InstBuilder, types::I64};
use slackfuel_frontend::{Metering, TranslateError, translate, translate_rewriting};

const MODULE: &str = r#"(module
    (import "env" "g" (func $g))
    (func (export "a") (result i32) i32.const 1)
    (func (export "b") (param i32) (result i32) local.get 0))"#;

#[test]
fn the_rewrite_sees_each_defined_function_and_its_edits_are_printed() {
    let wasm = wat(MODULE);
    let mut seen = Vec::new();
    let mut rewrite = |index: u32, func: &mut Function| {
        seen.push(index);
        // A marker the printout must carry: an unused constant at the top of the entry block.
        let entry = func.layout.entry_block().ok_or("no entry block")?;
        let first = func.layout.first_inst(entry).ok_or("empty entry block")?;
        FuncCursor::new(func)
            .at_inst(first)
            .ins()
            .iconst(I64, 0x5eed);
        Ok(())
    };
    let module =
        translate_rewriting(&wasm, &options(Metering::Vanilla), &mut rewrite).expect("translates");
    assert_eq!(
        seen,
        vec![1, 2],
        "defined functions only, in order, by wasm index"
    );
    assert!(module.rewrite_micros.is_some());
    assert!(
        module
            .functions
            .iter()
            .all(|f| f.clif.contains("iconst.i64 0x5eed"))
    );
    let plain = translate(&wasm, &options(Metering::Vanilla)).expect("translates");
    assert_eq!(plain.rewrite_micros, None);
    assert!(!plain.functions.iter().any(|f| f.clif.contains("0x5eed")));
}

#[test]
fn the_first_rewrite_error_stops_the_translation_and_names_the_function() {
    let wasm = wat(MODULE);
    let mut calls = 0;
    let mut rewrite = |index: u32, _: &mut Function| {
        calls += 1;
        if index == 1 {
            Err("refused".to_string())
        } else {
            Ok(())
        }
    };
    let err =
        translate_rewriting(&wasm, &options(Metering::Vanilla), &mut rewrite).expect_err("stops");
    assert_eq!(
        err,
        TranslateError::Rewrite {
            message: "refused".into(),
            index: 1
        }
    );
    assert_eq!(err.kind(), "rewrite");
    assert_eq!(calls, 1);
}
