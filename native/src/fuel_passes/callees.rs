//! Which callees use the pinned-register convention (src/passes/fuel/web/callees.ts). The
//! defaults: builtins (`u805306368:*`), imports reached directly (`u1:*`) and test-case names
//! (`%*`) do not; indirect calls do (imports reach the host through slackfuel trampolines).

use cranelift_codegen::ir::{ExternalName, Function, Inst};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    Pinned,
    NonPinned,
}

/// The namespaces of the TypeScript defaults' user-name patterns (`DEFAULT_CALLEE_OPTIONS`:
/// `u805306368:*` for builtins, `u1:*` for imports), read from the name instead of matching
/// its text: a pattern `uN:*` is the names of namespace N.
const NON_PINNED_NAMESPACES: [u32; 2] = [805_306_368, 1];

/// The convention of the callee of call instruction `inst` under the default options.
pub fn callee_convention(func: &Function, inst: Inst) -> Convention {
    let Some(f) = super::cleanup::func_ref_in(&func.dfg.insts[inst]) else {
        return Convention::Pinned;
    };
    let non_pinned = match func.dfg.ext_funcs.get(f).map(|ext| &ext.name) {
        // `%*`: every test-case name.
        Some(ExternalName::TestCase(_)) => true,
        Some(ExternalName::User(r)) => func
            .params
            .user_named_funcs()
            .get(*r)
            .is_none_or(|u| NON_PINNED_NAMESPACES.contains(&u.namespace)),
        // A callee without a name CLIF could write (libcalls, symbols) matches no pattern but
        // is not a wasm function either.
        _ => true,
    };
    if non_pinned {
        Convention::NonPinned
    } else {
        Convention::Pinned
    }
}
