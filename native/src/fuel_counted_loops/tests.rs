//! The plain Rust API on small pinned-form functions: what is versioned and what is left alone,
//! and the result passes Cranelift's verifier (the comparisons with the TypeScript pass are in
//! tests/native/fuel-counted-loops-native.test.ts).

use super::{DEFAULT_MAX_HOT_RATIO, Rejection, count_loops};
use cranelift_codegen::ir::Function;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_reader::{ParseOptions, parse_test};

fn function(text: &str) -> Function {
    let file = parse_test(text, ParseOptions::default()).expect("test CLIF parses");
    file.functions.into_iter().next().expect("one function").0
}

fn verify(func: &Function) {
    let mut b = settings::builder();
    b.set("enable_pinned_reg", "true")
        .expect("the setting exists");
    let isa = cranelift_codegen::isa::lookup_by_name("x86_64")
        .expect("x86_64 is built in")
        .finish(settings::Flags::new(b))
        .expect("the ISA builds");
    cranelift_codegen::verify_function(func, isa.as_ref()).expect("the rewrite verifies");
}

/// `while ((i += step) != bound)` charging 7 per iteration; `STEP`, `CMP` and `EXTRA` vary it.
const LOOP: &str = "function %f(i64 vmctx, i32, i32) -> i32 tail {
block0(v0: i64, v1: i32, v2: i32):
    jump block1(v1)

block1(v3: i32):
    v4 = iconst.i64 7
    v5 = get_pinned_reg.i64
    v6 = iadd v5, v4
    set_pinned_reg v6
    EXTRA
    v7 = iconst.i32 STEP
    v8 = iadd v3, v7
    v9 = icmp CMP v8, v2
    brif v9, block1(v8), block2

block2:
    return v8
}";

fn shape(step: &str, cmp: &str, extra: &str) -> Function {
    function(
        &LOOP
            .replace("STEP", step)
            .replace("CMP", cmp)
            .replace("EXTRA", extra),
    )
}

#[test]
fn a_counted_loop_gets_a_guard_a_prepaid_copy_and_one_exit() {
    let mut f = shape("4", "ne", "");
    let stats = count_loops(&mut f, false, DEFAULT_MAX_HOT_RATIO).expect("no internal error");
    assert_eq!(stats.versioned, 1);
    verify(&f);
    let text = f.display().to_string();
    // Original and copy, the exit block that carries v8 after the loop, the prepay block.
    assert_eq!(text.matches("icmp ne").count(), 2, "{text}");
    assert_eq!(text.matches("set_pinned_reg").count(), 2, "{text}");
    assert!(text.contains("ushr"), "a step of 4 divides: {text}");
    assert!(text.contains("iconst.i64 7"), "{text}");
    assert!(text.contains("icmp ult"), "the overflow guard: {text}");
}

#[test]
fn loops_it_cannot_count_are_left_exactly_as_they_were() {
    for (step, cmp, extra, why) in [
        ("3", "ne", "", Rejection::NotCounted),
        ("1", "eq", "", Rejection::NotCounted),
        ("1", "ne", "v20 = get_pinned_reg.i64", Rejection::CounterUse),
        ("1", "ne", "call_indirect sig0, v0()", Rejection::Call),
    ] {
        let text = LOOP
            .replace("STEP", step)
            .replace("CMP", cmp)
            .replace("EXTRA", extra);
        let text = if extra.contains("call") {
            text.replace("block0(", "    sig0 = () tail\n\nblock0(")
        } else {
            text
        };
        let mut f = function(&text);
        let before = f.display().to_string();
        let stats = count_loops(&mut f, false, DEFAULT_MAX_HOT_RATIO).expect("no internal error");
        assert_eq!(
            (stats.versioned, stats.rejected.as_slice()),
            (0, &[why][..]),
            "{before}"
        );
        assert_eq!(f.display().to_string(), before);
    }
}

#[test]
fn a_function_without_the_pinned_register_is_untouched() {
    let mut f = function(
        "function %g(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)
block1(v1: i32):
    v2 = iconst.i32 1
    v3 = iadd v1, v2
    brif v3, block1(v3), block2
block2:
    return v3
}",
    );
    let before = f.display().to_string();
    let stats = count_loops(&mut f, false, DEFAULT_MAX_HOT_RATIO).expect("no internal error");
    assert_eq!(stats.versioned, 0);
    assert_eq!(f.display().to_string(), before);
}

/// What follows the counted loop of `LOOP` in `beside_a_nest`: a nest of two loops that are not
/// counted (the inner one tests a value it computes; the outer one has an inner cycle).
const NEST: &str = "brif v9, block1(v8), block2(v8)

block2(v10: i32):
    v11 = get_pinned_reg.i64
    v19 = iconst.i64 3
    v12 = iadd v11, v19
    set_pinned_reg v12
    jump block3(v10)

block3(v13: i32):
    v14 = get_pinned_reg.i64
    v20 = iconst.i64 5
    v15 = iadd v14, v20
    set_pinned_reg v15
    v16 = imul v13, v13
    v17 = icmp ult v16, v2
    brif v17, block3(v16), block4

block4:
    v18 = icmp ult v16, v2
    brif v18, block2(v16), block5

block5:
    return v10
}";

/// `LOOP`'s counted loop (step 1, charging 7), then `NEST` where it returned.
fn beside_a_nest() -> Function {
    let counted = LOOP
        .replace("STEP", "1")
        .replace("CMP", "ne")
        .replace("EXTRA", "");
    let tail = counted.find("brif v9").expect("LOOP ends in its exit test");
    function(&format!("{}{NEST}", &counted[..tail]))
}

#[test]
fn a_counted_loop_beside_a_hotter_nest_is_left_alone_unless_the_ratio_allows_it() {
    let mut f = beside_a_nest();
    let before = f.display().to_string();
    let stats = count_loops(&mut f, false, DEFAULT_MAX_HOT_RATIO).expect("no internal error");
    assert_eq!(stats.versioned, 0, "{before}");
    assert!(
        stats.rejected.contains(&Rejection::NotHottest),
        "{:?}",
        stats.rejected
    );
    assert_eq!(f.display().to_string(), before);

    let stats = count_loops(&mut f, false, 1e9).expect("no internal error");
    assert_eq!(stats.versioned, 1);
    assert!(
        !stats.rejected.contains(&Rejection::NotHottest),
        "{:?}",
        stats.rejected
    );
    verify(&f);
}
