//! `translate_rewriting`: the caller's rewrite sees every defined function before it is
//! printed, its edits reach the text, and its first error stops the translation.

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    let seen = Mutex::new(Vec::new());
    let rewrite = |index: u32, func: &mut Function| {
        seen.lock().map_err(|_| "poisoned")?.push(index);
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
        translate_rewriting(&wasm, &options(Metering::Vanilla), &rewrite).expect("translates");
    assert_eq!(
        seen.into_inner().expect("not poisoned"),
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
    let calls = AtomicUsize::new(0);
    let rewrite = |index: u32, _: &mut Function| {
        calls.fetch_add(1, Ordering::Relaxed);
        if index == 1 {
            Err("refused".to_string())
        } else {
            Ok(())
        }
    };
    let err = translate_rewriting(&wasm, &options(Metering::Vanilla), &rewrite).expect_err("stops");
    assert_eq!(
        err,
        TranslateError::Rewrite {
            message: "refused".into(),
            index: 1
        }
    );
    assert_eq!(err.kind(), "rewrite");
    assert_eq!(calls.into_inner(), 1);
}

/// A module of many small functions, enough for several translating threads.
fn many_functions(n: usize) -> Vec<u8> {
    let mut text = String::from("(module (memory 1)\n");
    for k in 0..n {
        text.push_str(&format!(
            "(func (export \"f{k}\") (param i32) (result i32)
               (local i32)
               (loop $l
                 (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))
                 (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const {}))))
               )
               (local.get 1))\n",
            k + 1
        ));
    }
    text.push(')');
    wat(&text)
}

#[test]
fn several_threads_print_what_one_thread_prints() {
    let wasm = many_functions(100);
    let with = |threads: u32| {
        let mut o = options(Metering::Vanilla);
        o.threads = threads;
        translate(&wasm, &o).expect("translates")
    };
    let one = with(1);
    assert_eq!(one.functions.len(), 100);
    for threads in [2, 4, 8] {
        let many = with(threads);
        let texts = |m: &slackfuel_frontend::TranslatedModule| {
            m.functions
                .iter()
                .map(|f| (f.index, f.clif.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(&many), texts(&one), "{threads} threads");
    }
}

#[test]
fn on_several_threads_the_error_reported_is_the_first_in_module_order() {
    let wasm = many_functions(100);
    let mut o = options(Metering::Vanilla);
    o.threads = 4;
    // Functions 30, 31 and 90 refuse; whichever thread meets which first, 30 is reported.
    let rewrite = |index: u32, _: &mut Function| match index {
        30 | 31 | 90 => Err(format!("refused {index}")),
        _ => Ok(()),
    };
    let err = translate_rewriting(&wasm, &o, &rewrite).expect_err("stops");
    assert_eq!(
        err,
        TranslateError::Rewrite {
            message: "refused 30".into(),
            index: 30
        }
    );
}
