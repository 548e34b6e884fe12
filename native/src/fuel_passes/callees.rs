//! Which callees use the pinned-register convention (src/passes/fuel/web/callees.ts). The
//! defaults: builtins (`u805306368:*`), imports reached directly (`u1:*`) and test-case names
//! (`%*`) do not; indirect calls do (imports reach the host through slackfuel trampolines).

use cranelift_codegen::ir::{ExternalName, Function, Inst};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    Pinned,
    NonPinned,
}

/// The TypeScript defaults (`DEFAULT_CALLEE_OPTIONS`).
pub const DEFAULT_NON_PINNED: [&str; 3] = ["u805306368:*", "u1:*", "%*"];

/// The callee's name as CLIF writes it (`u0:4`, `%f`); None for indirect calls and other names.
fn callee_name(func: &Function, inst: Inst) -> (bool, Option<String>) {
    let Some(f) = super::cleanup::func_ref_in(&func.dfg.insts[inst]) else {
        return (false, None);
    };
    let Some(ext) = func.dfg.ext_funcs.get(f) else {
        return (true, None);
    };
    let name = match &ext.name {
        ExternalName::TestCase(t) => Some(t.to_string()),
        ExternalName::User(r) => func
            .params
            .user_named_funcs()
            .get(*r)
            .map(|u| format!("u{}:{}", u.namespace, u.index)),
        _ => None,
    };
    (true, name)
}

fn matches(pattern: &str, name: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// The convention of the callee of call instruction `inst` under the default options.
pub fn callee_convention(func: &Function, inst: Inst) -> Convention {
    match callee_name(func, inst) {
        (false, _) => Convention::Pinned,
        (true, None) => Convention::NonPinned,
        (true, Some(name)) => {
            if DEFAULT_NON_PINNED.iter().any(|p| matches(p, &name)) {
                Convention::NonPinned
            } else {
                Convention::Pinned
            }
        }
    }
}
