//! Every instruction group, in every metering mode: translation succeeds and every function
//! re-parses and passes Cranelift's verifier; spot checks on the emitted instructions.

mod common;

use common::all_modes;

fn clif_of(text: &str) -> Vec<String> {
    all_modes(text)
        .into_iter()
        .map(|m| {
            m.functions
                .iter()
                .map(|f| f.clif.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

fn assert_all_contain(texts: &[String], needles: &[&str]) {
    for t in texts {
        for n in needles {
            assert!(t.contains(n), "missing `{n}` in\n{t}");
        }
    }
}

#[test]
fn integer_arithmetic() {
    let texts = clif_of(
        r#"(module
        (func (export "i32") (param i32 i32) (result i32)
          (i32.add (local.get 0) (local.get 1)) (i32.sub (local.get 0)) (i32.mul (local.get 1))
          (i32.div_s (local.get 0)) (i32.div_u (local.get 1)) (i32.rem_s (local.get 0)) (i32.rem_u (local.get 1))
          (i32.and (local.get 0)) (i32.or (local.get 1)) (i32.xor (local.get 0))
          (i32.shl (local.get 1)) (i32.shr_s (local.get 0)) (i32.shr_u (local.get 1))
          (i32.rotl (local.get 0)) (i32.rotr (local.get 1))
          i32.clz i32.ctz i32.popcnt i32.eqz
          (i32.eq (local.get 0)) (i32.ne (local.get 1)) (i32.lt_s (local.get 0)) (i32.lt_u (local.get 1))
          (i32.gt_s (local.get 0)) (i32.gt_u (local.get 1)) (i32.le_s (local.get 0)) (i32.le_u (local.get 1))
          (i32.ge_s (local.get 0)) (i32.ge_u (local.get 1)))
        (func (export "i64") (param i64 i64) (result i64)
          (i64.add (local.get 0) (local.get 1)) (i64.sub (local.get 0)) (i64.mul (local.get 1))
          (i64.div_s (local.get 0)) (i64.div_u (local.get 1)) (i64.rem_s (local.get 0)) (i64.rem_u (local.get 1))
          (i64.and (local.get 0)) (i64.or (local.get 1)) (i64.xor (local.get 0))
          (i64.shl (local.get 1)) (i64.shr_s (local.get 0)) (i64.shr_u (local.get 1))
          (i64.rotl (local.get 0)) (i64.rotr (local.get 1))
          i64.clz i64.ctz i64.popcnt i64.eqz i64.extend_i32_u
          (i64.eq (local.get 0)) i64.extend_i32_s (i64.lt_u (local.get 1)) i64.extend_i32_u)
        (func (export "signext") (param i32 i64) (result i64)
          (i64.add (i64.extend_i32_s (i32.extend16_s (i32.extend8_s (local.get 0))))
                   (i64.extend32_s (i64.extend16_s (i64.extend8_s (local.get 1)))))))"#,
    );
    assert_all_contain(
        &texts,
        &[
            "sdiv",
            "udiv",
            "srem",
            "urem",
            "rotl",
            "rotr",
            "clz",
            "ctz",
            "popcnt",
            "sshr",
            "icmp sge",
            "sextend.i64",
        ],
    );
}

#[test]
fn float_arithmetic_and_conversions() {
    let texts = clif_of(
        r#"(module
        (func (export "f32") (param f32 f32) (result f32)
          (f32.add (local.get 0) (local.get 1)) (f32.sub (local.get 0)) (f32.mul (local.get 1)) (f32.div (local.get 0))
          (f32.min (local.get 1)) (f32.max (local.get 0)) (f32.copysign (local.get 1))
          f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt)
        (func (export "f64") (param f64 f64) (result i32)
          (f64.add (local.get 0) (local.get 1)) (f64.sub (local.get 0)) (f64.mul (local.get 1)) (f64.div (local.get 0))
          (f64.min (local.get 1)) (f64.max (local.get 0)) (f64.copysign (local.get 1))
          f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt
          (f64.lt (local.get 0)))
        (func (export "cmp") (param f32 f64) (result i32)
          (i32.add (f32.eq (local.get 0) (local.get 0)) (f64.ne (local.get 1) (local.get 1)))
          (i32.add (f32.le (local.get 0) (local.get 0)))
          (i32.add (f64.ge (local.get 1) (local.get 1)))
          (i32.add (f32.gt (local.get 0) (local.get 0))))
        (func (export "conv") (param f32 f64 i32 i64) (result i64)
          (i32.trunc_f32_s (local.get 0)) drop (i32.trunc_f32_u (local.get 0)) drop
          (i32.trunc_f64_s (local.get 1)) drop (i32.trunc_f64_u (local.get 1)) drop
          (i64.trunc_f32_s (local.get 0)) drop (i64.trunc_f64_u (local.get 1)) drop
          (i32.trunc_sat_f32_s (local.get 0)) drop (i32.trunc_sat_f64_u (local.get 1)) drop
          (i64.trunc_sat_f32_u (local.get 0)) drop (i64.trunc_sat_f64_s (local.get 1)) drop
          (f32.convert_i32_s (local.get 2)) drop (f32.convert_i64_u (local.get 3)) drop
          (f64.convert_i32_u (local.get 2)) drop (f64.convert_i64_s (local.get 3)) drop
          (f32.demote_f64 (local.get 1)) drop (f64.promote_f32 (local.get 0)) drop
          (i32.reinterpret_f32 (local.get 0)) drop (f32.reinterpret_i32 (local.get 2)) drop
          (f64.reinterpret_i64 (local.get 3)) drop
          (i64.reinterpret_f64 (local.get 1)) (i32.wrap_i64 (local.get 3)) drop))"#,
    );
    assert_all_contain(
        &texts,
        &[
            "fmin",
            "fmax",
            "fcopysign",
            "nearest",
            "sqrt",
            "fcvt_to_sint.i32",
            "fcvt_to_uint.i64",
            "fcvt_to_sint_sat.i32",
            "fcvt_to_uint_sat.i64",
            "fcvt_from_uint.f32",
            "fdemote.f32",
            "fpromote.f64",
            "bitcast.i64",
            "ireduce.i32",
            " le v",
        ],
    );
}

#[test]
fn control_flow_and_multi_value() {
    let texts = clif_of(
        r#"(module
        (type $pair (func (param i32) (result i32 i32)))
        (func $swap (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
        (func (export "cf") (param i32) (result i32)
          (block $out (result i32)
            (block $a
              (block $b
                (br_table $a $b $a (local.get 0))))
            (drop (block $v (result i32)
              (block $w (result i32)
                (br_table $v $w $v (i32.const 7) (local.get 0)))))
            (if (result i32) (local.get 0)
              (then (i32.const 1))
              (else (br $out (i32.const 2))))
            (if (local.get 0) (then (nop)))
            (i32.const 3)
            (block $multi (type $pair) (local.get 0) (br_if $multi (local.get 0)))
            (drop) (drop)
            (local.get 0)
            (loop $l (param i32) (result i32)
              (i32.sub (i32.const 1)) (local.tee 0) (local.get 0) (br_if $l)
              (i32.const 1) (i32.add))
            (drop)
            (call $swap (local.get 0) (local.get 0))
            (drop)
            (return)))
        (func (export "dead") (result i32)
          (unreachable) (block (loop (br 0))) (i32.const 0) (if (then (nop)) (else (nop))) (i32.const 1))
        (func (export "sel") (param i32 i64 i64) (result i64)
          (select (local.get 1) (local.get 2) (local.get 0))
          (select (result i64) (local.get 2) (local.get 0))))"#,
    );
    assert_all_contain(&texts, &["br_table", "trap user1", "select", "return"]);
}

#[test]
fn locals_and_globals() {
    clif_of(
        r#"(module
        (import "env" "g" (global $imp (mut i32)))
        (import "env" "c" (global $cst f64))
        (global $m (mut i64) (i64.const -5))
        (global $r (mut funcref) (ref.null func))
        (func (export "f") (param i32) (result i64)
          (local i64 f32 f64 funcref externref)
          (global.set $imp (i32.add (global.get $imp) (local.get 0)))
          (local.set 3 (global.get $cst))
          (global.set $m (i64.add (global.get $m) (local.tee 1 (i64.const 3))))
          (global.set $r (ref.null func))
          (global.get $m)))"#,
    );
}

#[test]
fn memory_accesses_and_bulk_memory() {
    let texts = clif_of(
        r#"(module
        (memory 1 4)
        (data $d "hello")
        (data (i32.const 16) "world")
        (func (export "ld") (param i32) (result i64)
          (i32.load offset=4 align=1 (local.get 0)) drop
          (i32.load8_s (local.get 0)) drop (i32.load8_u (local.get 0)) drop
          (i32.load16_s (local.get 0)) drop (i32.load16_u offset=65535 (local.get 0)) drop
          (i64.load8_s (local.get 0)) drop (i64.load8_u (local.get 0)) drop
          (i64.load16_s (local.get 0)) drop (i64.load16_u (local.get 0)) drop
          (i64.load32_s (local.get 0)) drop (i64.load32_u (local.get 0)) drop
          (f32.load (local.get 0)) drop (f64.load (local.get 0)) drop
          (i64.load (local.get 0)))
        (func (export "st") (param i32)
          (i32.store (local.get 0) (i32.const 1)) (i64.store (local.get 0) (i64.const 1))
          (f32.store (local.get 0) (f32.const 1)) (f64.store (local.get 0) (f64.const 1))
          (i32.store8 (local.get 0) (i32.const 1)) (i32.store16 (local.get 0) (i32.const 1))
          (i64.store8 (local.get 0) (i64.const 1)) (i64.store16 (local.get 0) (i64.const 1))
          (i64.store32 (local.get 0) (i64.const 1)))
        (func (export "bulk") (param i32) (result i32)
          (memory.fill (local.get 0) (i32.const 0) (i32.const 10))
          (memory.copy (local.get 0) (i32.const 16) (i32.const 5))
          (memory.init $d (local.get 0) (i32.const 0) (i32.const 5))
          (data.drop $d)
          (drop (memory.grow (i32.const 1)))
          (memory.size))
        (func (export "never") (param i32) (result i32)
          (i32.load offset=262144 (local.get 0))))"#,
    );
    assert_all_contain(
        &texts,
        &[
            "sload8.i32",
            "uload16.i64",
            "sload32",
            "istore8",
            "istore16",
            "istore32",
            "heap_oob",
            "u805306368:0",
            "u805306368:1",
            "u805306368:2",
            "u805306368:3",
            "u805306368:4",
            "trapz",
            "user5",
        ],
    );
}

#[test]
fn tables_calls_and_references() {
    let texts = clif_of(
        r#"(module
        (import "env" "host" (func $host (param i32) (result i32)))
        (type $t (func (param i32) (result i32)))
        (table $tab 4 funcref)
        (table $ext 2 externref)
        (elem $e (table $tab) (i32.const 0) func $f $host)
        (elem $p funcref (ref.func $f))
        (func $f (type $t) (i32.add (local.get 0) (i32.const 1)))
        (func (export "calls") (param i32) (result i32)
          (call $host (local.get 0))
          (call $f)
          (call_indirect $tab (type $t) (local.get 0))
          (drop (table.grow $tab (ref.func $f) (i32.const 1)))
          (table.set $tab (i32.const 1) (table.get $tab (i32.const 0)))
          (table.fill $tab (i32.const 0) (ref.null func) (i32.const 1))
          (table.copy $tab $tab (i32.const 0) (i32.const 1) (i32.const 1))
          (table.init $tab $p (i32.const 0) (i32.const 0) (i32.const 1))
          (elem.drop $p)
          (drop (ref.is_null (table.get $ext (i32.const 0))))
          (i32.add (table.size $tab)))
        (func (export "tail") (param i32) (result i32)
          (return_call $f (local.get 0)))
        (func (export "tail_indirect") (param i32) (result i32)
          (return_call_indirect $tab (type $t) (local.get 0) (local.get 0))))"#,
    );
    assert_all_contain(
        &texts,
        &[
            "call_indirect",
            "user2",
            "user3",
            "user4",
            "return_call fn",
            "return_call_indirect",
            "u805306368:5",
            "u805306368:6",
            "u805306368:7",
            "u805306368:8",
            "u805306368:9",
        ],
    );
}

#[test]
fn typed_function_references() {
    // call_ref / return_call_ref: a null check (user6, null_reference) and no signature check;
    // ref.as_non_null traps with user6; br_on_null / br_on_non_null are conditional branches;
    // typed references in params, results, locals (non-nullable too), globals, tables with an
    // initialiser, typed element segments and block types.
    let texts = clif_of(
        r#"(module
        (type $t (func (param i32) (result i32)))
        (rec (type $k (func (param (ref null $k) i32) (result i32))))
        (func $f (type $t) (i32.add (local.get 0) (i32.const 1)))
        (table $tab 2 (ref $t) (ref.func $f))
        (elem (table $tab) (i32.const 1) (ref $t) (ref.func $f))
        (global $g (mut (ref null $t)) (ref.null $t))
        (elem declare func $f $self)
        (func $self (type $k) (local.get 1))
        (func (export "call") (param i32) (result i32)
          (local $l (ref $t))
          (local.set $l (table.get $tab (local.get 0)))
          (call_ref $t (local.get 0) (local.get $l)))
        (func (export "nonnull") (param i32) (result i32)
          (call_ref $t (local.get 0) (ref.as_non_null (global.get $g))))
        (func (export "onnull") (param i32) (result i32)
          (block $b (result i32)
            (i32.const -1)
            (br_on_null $b (global.get $g))
            (drop (ref.is_null))))
        (func (export "onnonnull") (param i32) (result i32)
          (call_ref $t (local.get 0)
            (block $b (result (ref $t))
              (br_on_non_null $b (global.get $g))
              (ref.func $f))))
        (func (export "selfcall") (param i32) (result i32)
          (call_ref $k (ref.func $self) (local.get 0) (ref.func $self)))
        (func (export "tail") (param i32) (result i32)
          (return_call_ref $t (local.get 0) (ref.func $f))))"#,
    );
    assert_all_contain(
        &texts,
        &[
            "trapz",
            "user6",
            "call_indirect sig",
            "return_call_indirect sig",
            "icmp eq",
        ],
    );
    for t in &texts {
        assert!(!t.contains("user4"), "call_ref checks no signature:\n{t}");
    }
}
