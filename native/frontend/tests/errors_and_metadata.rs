//! Unsupported features give a clear error naming the instruction; metadata is complete and
//! serialises to the JSON the TypeScript side validates.

mod common;

use common::{MODES, options, wat};
use slackfuel_frontend::{
    ConstExpr, ExternKind, ImportKind, Metering, SegmentMode, TranslateError, TranslateOptions,
    ValueType, VmctxLayout, translate,
};

fn error_of(text: &str) -> TranslateError {
    let wasm = wat(text);
    let mut last = None;
    for mode in MODES {
        let err = translate(&wasm, &options(mode)).expect_err("translation must fail");
        if let Some(prev) = &last {
            assert_eq!(prev, &err, "the error does not depend on the metering mode");
        }
        last = Some(err);
    }
    last.expect("three modes")
}

#[test]
fn multi_memory_reaches_memories_past_zero_through_their_records() {
    // Memory 0 stays in the vmctx (memoryBase/memoryBound); memory 2 is read through the record
    // array at vmctx+96, record 2 (stride 16): base at +32, length at +40.
    let wasm = wat(r#"(module (memory 1) (memory 1) (memory 1 2)
        (func (export "f") (param i32) (result i32)
          (i32.add (i32.load 2 (local.get 0)) (memory.size 2))))"#);
    for mode in MODES {
        let module = translate(&wasm, &options(mode)).expect("translates");
        assert_eq!(module.memories.len(), 3);
        let clif = &module.functions[0].clif;
        assert!(clif.contains("readonly v0+96"), "{clif}");
        let lines: Vec<&str> = clif.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.contains("load.i64 notrap aligned readonly v") && l.ends_with("+32")),
            "the base of memory 2, read-only: {clif}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("load.i64 notrap aligned v") && l.ends_with("+40")),
            "the length of memory 2, reloaded: {clif}"
        );
        assert!(!clif.contains("v0+24"), "memory 0 is not touched: {clif}");
        common::reparse_and_verify(clif);
    }
}

#[test]
fn a_64_bit_table_takes_its_i64_index_as_is() {
    // table64: call_indirect and table.size on table 1 use i64 (no uextend, no ireduce).
    let wasm = wat(
        r#"(module (type $t (func)) (table 1 funcref) (table i64 1 funcref)
        (func (export "f") (param i64) (result i64) (call_indirect 1 (type $t) (local.get 0)) (table.size 1)))"#,
    );
    for mode in MODES {
        let module = translate(&wasm, &options(mode)).expect("translates");
        assert_eq!(
            module.tables.iter().map(|t| t.table64).collect::<Vec<_>>(),
            [false, true]
        );
        let clif = &module.functions[0].clif;
        assert!(
            !clif.contains("uextend") && !clif.contains("ireduce"),
            "{clif}"
        );
        common::reparse_and_verify(clif);
    }
}

#[test]
fn a_64_bit_memory_checks_every_access_with_its_i64_index() {
    // Memory 1 is 64-bit: the index is used as is (no uextend), `index + offset + size` traps on
    // wrap-around, and memory.size/grow are i64 (memory_grow64, builtin 10).
    let wasm = wat(r#"(module (memory 1) (memory i64 1 2)
        (func (export "f") (param i64) (result i64) (i64.load 1 offset=4 (local.get 0)))
        (func (export "g") (param i64) (result i64) (i64.add (memory.grow 1 (local.get 0)) (memory.size 1))))"#);
    for mode in MODES {
        let module = translate(&wasm, &options(mode)).expect("translates");
        assert_eq!(
            module
                .memories
                .iter()
                .map(|m| m.memory64)
                .collect::<Vec<_>>(),
            [false, true]
        );
        let load = &module.functions[0].clif;
        assert!(load.contains("uadd_overflow_trap"), "{load}");
        assert!(
            load.contains("heap_oob") && load.contains("select_spectre_guard"),
            "{load}"
        );
        assert!(!load.contains("uextend"), "{load}");
        let grow = &module.functions[1].clif;
        assert!(grow.contains("colocated u805306368:10"), "{grow}");
        assert!(!grow.contains("ireduce"), "memory.size stays i64: {grow}");
        common::reparse_and_verify(load);
        common::reparse_and_verify(grow);
    }
}

#[test]
fn gc_types_are_unsupported_at_the_type_section() {
    let err = error_of(r#"(module (type (struct (field i32))))"#);
    assert!(
        matches!(&err, TranslateError::Unsupported { feature, offset, .. } if feature == "gc" && *offset > 0),
        "{err:?}"
    );
}

#[test]
fn gc_references_are_refused_by_name_function_references_are_not() {
    // Heap types only the GC proposal has, anywhere they may appear without a GC type definition.
    for text in [
        r#"(module (func (param anyref)))"#,
        r#"(module (func (local i31ref)))"#,
        r#"(module (func (result i32) (ref.is_null (ref.null none))))"#,
        r#"(module (func (result i32) (i31.get_s (ref.i31 (i32.const 1)))))"#,
        r#"(module (global eqref (ref.null eq)))"#,
        r#"(module (table 1 (ref null struct)))"#,
        r#"(module (type $s (sub (func))) (type (sub $s (func))))"#,
        r#"(module (func (param nullfuncref)))"#,
    ] {
        let err = error_of(text);
        assert!(
            matches!(&err, TranslateError::Unsupported { feature, offset, .. } if feature == "gc" && *offset > 0),
            "{text}: {err:?}"
        );
    }
    let wasm = wat(r#"(module (type $t (func (param i32) (result i32)))
        (func $f (type $t) (local.get 0))
        (table 1 (ref $t) (ref.func $f))
        (global (ref null func) (ref.null $t))
        (func (export "g") (param (ref null $t)) (result (ref func)) (ref.as_non_null (local.get 0))))"#);
    for mode in MODES {
        let module = translate(&wasm, &options(mode)).expect("function references translate");
        assert_eq!(module.tables[0].element_type, ValueType::Funcref);
        assert_eq!(module.tables[0].init, Some(ConstExpr::RefFunc { index: 0 }));
        assert_eq!(
            module.globals[0].init,
            Some(ConstExpr::RefNull {
                r#type: ValueType::Funcref
            })
        );
        assert_eq!(module.types[1].params, [ValueType::Funcref]);
    }
}

#[test]
fn function_types_with_typed_references_compare_as_canonical_types() {
    // $a and $b are the same type; $c and $d differ only in the type they reference, which are
    // equal types too, so call_indirect accepts either; $e references a different type.
    let wasm = wat(r#"(module
        (type $a (func (param i32)))
        (type $b (func (param i32)))
        (type $c (func (param (ref $a))))
        (type $d (func (param (ref $b))))
        (type $e (func (param (ref $c)))))"#);
    let module = translate(&wasm, &options(Metering::None)).expect("translates");
    assert_eq!(module.canonical_type_ids, [0, 0, 2, 2, 4]);
}

#[test]
fn atomics_are_unsupported() {
    let err = error_of(
        r#"(module (memory 1 1 shared) (func (result i32) (i32.atomic.load (i32.const 0))))"#,
    );
    assert!(
        matches!(&err, TranslateError::Unsupported { feature, instruction, .. } if feature == "threads" && instruction == "I32AtomicLoad"),
        "{err:?}"
    );
}

#[test]
fn exceptions_are_unsupported() {
    let err = error_of(r#"(module (tag $e) (func))"#);
    assert!(
        matches!(&err, TranslateError::Unsupported { feature, .. } if feature == "exceptions"),
        "{err:?}"
    );
}

#[test]
fn invalid_modules_are_rejected_with_offset() {
    let err = translate(b"\0asm\x01\0\0\0\x01", &TranslateOptions::default())
        .expect_err("truncated module");
    assert_eq!(err.kind(), "invalid");
    let err = error_of(r#"(module (func (result i32) (i64.const 1)))"#);
    assert!(
        matches!(&err, TranslateError::Invalid { message, .. } if message.contains("type mismatch")),
        "{err:?}"
    );
}

#[test]
fn features_wasmtime_does_not_enable_are_invalid() {
    // Wide arithmetic is not in Wasmtime 48's default set.
    let err = error_of(
        r#"(module (func (param i64 i64 i64 i64) (result i64 i64)
             (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))"#,
    );
    assert_eq!(err.kind(), "invalid");
}

const META: &str = r#"(module
  (type $a (func (param i32) (result i32)))
  (type $b (func (param i32) (result i32)))
  (import "env" "host" (func $host (type $b)))
  (import "env" "mem" (memory 1 10))
  (import "env" "g" (global $g (mut i64)))
  (table $t 2 8 funcref)
  (global $h f64 (f64.const 1.5))
  (global $big i64 (i64.const -9007199254740993))
  (func $main (export "main") (type $a) (local.get 0))
  (func $start)
  (start $start)
  (export "table" (table $t))
  (export "g" (global $g))
  (elem (i32.const 1) func $main)
  (elem $p funcref (ref.null func) (ref.func $host))
  (data (i32.const 8) "\01\ff")
  (data $pd "ab")
)"#;

#[test]
fn metadata_describes_the_module() {
    let module = translate(
        &wat(META),
        &TranslateOptions {
            metering: Metering::Vanilla,
            ..Default::default()
        },
    )
    .expect("translates");
    assert_eq!(module.types.len(), 3);
    assert_eq!(module.canonical_type_ids, vec![0, 0, 2]);
    assert_eq!(module.function_types, vec![1, 0, 2]);
    assert_eq!(module.num_imported_functions, 1);
    assert_eq!(
        module.functions.iter().map(|f| f.index).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(module.functions[0].debug_name.as_deref(), Some("main"));
    assert!(
        module.functions[0]
            .clif
            .starts_with("function u0:1(i64 vmctx, i64, i32) -> i32 tail {")
    );
    assert_eq!(module.imports.len(), 3);
    assert!(matches!(
        module.imports[0].kind,
        ImportKind::Func { type_index: 1 }
    ));
    assert_eq!(module.memories.len(), 1);
    assert!(module.memories[0].imported && module.memories[0].max_pages == Some(10));
    assert_eq!(module.tables[0].element_type, ValueType::Funcref);
    assert_eq!((module.tables[0].min, module.tables[0].max), (2, Some(8)));
    assert_eq!(module.globals.len(), 3);
    assert!(module.globals[0].imported && module.globals[0].mutable);
    assert_eq!(
        module.globals[1].init,
        Some(ConstExpr::F64Const {
            bits: 1.5f64.to_bits().to_string()
        })
    );
    assert_eq!(
        module.globals[2].init,
        Some(ConstExpr::I64Const {
            value: "-9007199254740993".into()
        })
    );
    assert_eq!(module.start, Some(2));
    let exports: Vec<_> = module
        .exports
        .iter()
        .map(|e| (e.name.as_str(), e.kind, e.index))
        .collect();
    assert_eq!(
        exports,
        vec![
            ("main", ExternKind::Func, 1),
            ("table", ExternKind::Table, 0),
            ("g", ExternKind::Global, 0)
        ]
    );
    assert_eq!(module.element_segments.len(), 2);
    assert_eq!(
        module.element_segments[0].mode,
        SegmentMode::Active {
            index: 0,
            offset: ConstExpr::I32Const { value: 1 }
        }
    );
    assert_eq!(
        module.element_segments[0].items,
        vec![ConstExpr::RefFunc { index: 1 }]
    );
    assert_eq!(module.element_segments[1].mode, SegmentMode::Passive);
    assert_eq!(
        module.element_segments[1].items,
        vec![
            ConstExpr::RefNull {
                r#type: ValueType::Funcref
            },
            ConstExpr::RefFunc { index: 0 }
        ]
    );
    assert_eq!(module.data_segments[0].bytes_hex, "01ff");
    assert_eq!(module.data_segments[1].mode, SegmentMode::Passive);
    assert_eq!(module.layout, VmctxLayout::default());
    assert!(
        module
            .builtins
            .iter()
            .any(|b| b.name == "out_of_gas" && b.index == 12)
    );
    assert!(
        module
            .builtins
            .iter()
            .any(|b| b.name == "new_epoch" && b.index == 13)
    );
}

#[test]
fn metadata_json_shape() {
    let module = translate(&wat(META), &TranslateOptions::default()).expect("translates");
    let json: serde_json::Value = serde_json::from_str(&module.to_json()).expect("valid JSON");
    assert_eq!(json["metering"], "none");
    assert_eq!(json["imports"][0]["kind"], "func");
    assert_eq!(json["imports"][0]["typeIndex"], 1);
    assert_eq!(json["imports"][1]["memory"]["maxPages"], 10);
    assert_eq!(json["globals"][2]["init"]["op"], "i64.const");
    assert_eq!(json["globals"][2]["init"]["value"], "-9007199254740993");
    assert_eq!(json["dataSegments"][0]["mode"], "active");
    assert_eq!(json["dataSegments"][0]["offset"]["op"], "i32.const");
    assert_eq!(json["elementSegments"][1]["items"][0]["type"], "funcref");
    assert_eq!(json["layout"]["storeContextPointer"], 8);
    assert_eq!(json["layout"]["stackLimit"], 16);
    assert_eq!(json["trapCodes"][0]["code"], "user1");
    assert!(
        json["functions"][0]["clif"]
            .as_str()
            .expect("text")
            .contains("function u0:1")
    );
}

#[test]
fn options_deserialise_from_camel_case_json_with_defaults() {
    let opts: TranslateOptions =
        serde_json::from_str(r#"{"metering":"epoch","layout":{"globals":256,"stackLimit":null}}"#)
            .expect("valid options");
    assert_eq!(opts.metering, Metering::Epoch);
    assert_eq!(opts.layout.globals, 256);
    assert_eq!(opts.layout.stack_limit, None);
    assert_eq!(opts.layout.store_context_pointer, 8);
    assert!(opts.dynamic_bulk_cost);
    assert!(serde_json::from_str::<TranslateOptions>(r#"{"metering":"slacked"}"#).is_err());
    assert!(serde_json::from_str::<TranslateOptions>(r#"{"layout":{"nope":1}}"#).is_err());
}

#[test]
fn custom_layout_moves_the_accesses() {
    let wasm =
        wat(r#"(module (global $g (mut i32) (i32.const 0)) (func (global.set $g (i32.const 1))))"#);
    let layout = VmctxLayout {
        globals: 512,
        stack_limit: None,
        store_context_pointer: 96,
        memories_pointer: 104,
        type_ids_pointer: 112,
        ..VmctxLayout::default()
    };
    let module = translate(
        &wasm,
        &TranslateOptions {
            metering: Metering::Vanilla,
            layout,
            ..Default::default()
        },
    )
    .expect("translates");
    let clif = &module.functions[0].clif;
    assert!(clif.contains("v0+512"), "{clif}");
    assert!(clif.contains("readonly can_move v0+96"), "{clif}");
    assert!(!clif.contains("stack_limit"), "{clif}");
    common::reparse_and_verify(clif);
}

#[test]
fn the_runtime_abi_layout_json_is_accepted_as_is() {
    // The JSON `layoutJson()` in src/abi/vmctx-layout.ts produces for DEFAULT_VMCTX_LAYOUT.
    let json = r#"{"vmctxSize":128,"storeContextSize":64,"storeContextPointer":8,"epochCounterPointer":16,"memoryBase":24,"memoryBound":32,"hostDispatch":40,"fuelConsumed":0,"epochDeadline":8}"#;
    let layout: VmctxLayout = serde_json::from_str(json).expect("src/abi layout parses");
    assert_eq!(layout, VmctxLayout::default());
    assert_eq!(layout.validate(), Ok(()));
}

#[test]
fn inconsistent_layouts_are_rejected() {
    let wasm = wat(r#"(module (func))"#);
    let cases = [
        VmctxLayout {
            tables_pointer: 40,
            ..VmctxLayout::default()
        },
        VmctxLayout {
            memory_base: 12,
            ..VmctxLayout::default()
        },
        VmctxLayout {
            globals: 32,
            ..VmctxLayout::default()
        },
        VmctxLayout {
            stack_limit: Some(0),
            ..VmctxLayout::default()
        },
        VmctxLayout {
            func_ref_type_id: 8,
            ..VmctxLayout::default()
        },
        VmctxLayout {
            table_stride: 8,
            ..VmctxLayout::default()
        },
    ];
    for layout in cases {
        let err = translate(
            &wasm,
            &TranslateOptions {
                metering: Metering::None,
                layout: layout.clone(),
                ..Default::default()
            },
        )
        .expect_err("rejected");
        assert_eq!(err.kind(), "invalid-options", "{layout:?}");
        assert!(err.to_string().starts_with("invalid options: "), "{err}");
    }
}

#[test]
fn bulk_operations_charge_their_length_unless_disabled() {
    let wasm = wat(
        r#"(module (memory 1) (func (param i32) (memory.fill (i32.const 0) (i32.const 0) (local.get 0))))"#,
    );
    let dynamic = translate(&wasm, &options(Metering::Vanilla)).expect("translates");
    let fixed = translate(
        &wasm,
        &TranslateOptions {
            metering: Metering::Vanilla,
            dynamic_bulk_cost: false,
            ..Default::default()
        },
    )
    .expect("translates");
    let count = |clif: &str| clif.matches("call fn0(v0)").count();
    // Entry check plus the bulk check, against the entry check alone.
    assert_eq!(
        count(&dynamic.functions[0].clif),
        2,
        "{}",
        dynamic.functions[0].clif
    );
    assert_eq!(
        count(&fixed.functions[0].clif),
        1,
        "{}",
        fixed.functions[0].clif
    );
    assert!(dynamic.functions[0].clif.contains("uextend.i64"));
    common::reparse_and_verify(&fixed.functions[0].clif);

    // A constant length is folded into the static cost, and up to 128 units it gets no check
    // (Wasmtime's pre_translate_bulk_op): 100 bytes + 3 consts + fill = 104 after the entry's 1.
    let constant = translate(
        &wat(r#"(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 100))))"#),
        &options(Metering::Vanilla),
    )
    .expect("translates");
    let clif = &constant.functions[0].clif;
    assert_eq!(count(clif), 1, "{clif}");
    assert!(clif.contains("iconst.i64 104"), "{clif}");
    common::reparse_and_verify(clif);
}
