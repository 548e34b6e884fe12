//! The plain Rust API on small pinned-form functions (the integration calls it this way on the
//! translate path; the TypeScript comparison tests are in tests/native/fuel-place-native.test.ts).

use super::{Outcome, PlaceOptions, place_fuel};
use cranelift_codegen::ir::Function;
use cranelift_reader::{ParseOptions, parse_test};

fn function(text: &str) -> Function {
    let file = parse_test(text, ParseOptions::default()).expect("test CLIF parses");
    file.functions.into_iter().next().expect("one function").0
}

/// `+N` lines become a pinned increment of N.
fn expand(text: &str) -> String {
    let mut next = 1000;
    text.lines()
        .map(|line| match line.trim().strip_prefix('+') {
            Some(n) => {
                let (c, g, r) = (next, next + 1, next + 2);
                next += 3;
                format!("    v{c} = iconst.i64 {n}\n    v{g} = get_pinned_reg.i64\n    v{r} = iadd v{g}, v{c}\n    set_pinned_reg v{r}\n")
            }
            None => format!("{line}\n"),
        })
        .collect()
}

fn amounts(func: &Function) -> Vec<String> {
    func.display()
        .to_string()
        .lines()
        .filter_map(|l| l.split("iconst.i64 ").nth(1).map(str::to_string))
        .collect()
}

#[test]
fn a_straight_line_pays_once_at_the_entry() {
    let mut f = function(&expand(
        "function %s(i64 vmctx, i32) -> i32 tail {\nblock0(v0: i64, v1: i32):\n+1\n    jump block1\nblock1:\n+2\n    jump block2\nblock2:\n+3\n    return v1\n}",
    ));
    let stats = place_fuel(&mut f, &PlaceOptions::default(), None).expect("placed");
    assert_eq!(stats.outcome, Outcome::Placed);
    assert_eq!((stats.static_before, stats.static_after), (3, 1));
    assert_eq!(amounts(&f), vec!["6"]);
}

#[test]
fn an_early_loop_exit_gets_a_block_of_its_own() {
    let mut f = function(&expand(
        "function %e(i64 vmctx, i32) -> i32 tail {\nblock0(v0: i64, v1: i32):\n+1\n    jump block1(v1)\nblock1(v2: i32):\n+2\n    brif v2, block2, block4\nblock2:\n+3\n    v3 = iconst.i32 7\n    v4 = icmp eq v2, v3\n    brif v4, block4, block3\nblock3:\n+4\n    v5 = iconst.i32 1\n    v6 = isub v2, v5\n    jump block1(v6)\nblock4:\n+5\n    return v2\n}",
    ));
    let stats = place_fuel(&mut f, &PlaceOptions::default(), None).expect("placed");
    assert_eq!(stats.split_edges, 1);
    assert!(f.display().to_string().contains("brif v4, block5, block3"));
}

#[test]
fn a_negative_increment_is_refused() {
    let mut f = function(&expand(
        "function %n(i64 vmctx, i32) -> i32 tail {\nblock0(v0: i64, v1: i32):\n+-4\n    return v1\n}",
    ));
    let error = place_fuel(&mut f, &PlaceOptions::default(), None).expect_err("refused");
    assert!(
        error.message.contains("negative fuel increment -4"),
        "{error}"
    );
}

#[test]
fn a_function_without_fuel_is_left_alone() {
    let mut f = function("function %p(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}");
    let before = f.display().to_string();
    let stats = place_fuel(&mut f, &PlaceOptions::default(), None).expect("ok");
    assert_eq!(stats.outcome, Outcome::NoFuel);
    assert_eq!(f.display().to_string(), before);
}

/// A block's negative increment is its fault even when another comes first (a flush read
/// before an earlier increment), as when the increments were found in a first walk over the
/// block.
#[test]
fn a_negative_increment_is_reported_before_the_other_faults_of_its_block() {
    let flushed_then = |amounts: &str| {
        function(&expand(&format!(
            "function %f(i64 vmctx, i32) -> i32 tail {{\nblock0(v0: i64, v1: i32):\n    v10 = get_pinned_reg.i64\n    store v10, v0+8\n{amounts}\n    return v1\n}}"
        )))
    };
    let mut negative = flushed_then("+4\n+-4");
    let error = place_fuel(&mut negative, &PlaceOptions::default(), None).expect_err("refused");
    assert!(
        error.message.contains("negative fuel increment -4"),
        "{error}"
    );
    let mut positive = flushed_then("+4\n+5");
    let error = place_fuel(&mut positive, &PlaceOptions::default(), None).expect_err("refused");
    assert!(error.message.contains("before the increment"), "{error}");
}
