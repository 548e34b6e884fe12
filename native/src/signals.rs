//! Rust side of the call shim (src/call_shim.c): installing the signal handlers once, giving
//! threads an alternate signal stack, and calling JIT code with traps turned into values.

use crate::code_registry::{self, Lookup};
use crate::errors::{Failure, NativeResult};
use std::ffi::c_void;
use std::sync::OnceLock;

/// Mirrors `sf_trap_info` in call_shim.c.
#[repr(C)]
#[derive(Default, Debug, Clone, Copy)]
pub struct TrapInfo {
    pub signal: i32,
    pub trap_code: u8,
    pub pc: usize,
    pub fault_address: usize,
    pub stack_pointer: usize,
}

/// A Cranelift trampoline: `fn(callee, values)` with the host's C calling convention.
pub type Trampoline = unsafe extern "C" fn(callee: *const c_void, values: *mut c_void);

type LookupFn = extern "C" fn(pc: usize, trap_code: *mut u8) -> i32;

unsafe extern "C" {
    fn sf_install_handlers(lookup: LookupFn) -> i32;
    fn sf_ensure_altstack() -> i32;
    fn sf_call(
        trampoline: Trampoline,
        callee: *const c_void,
        values: *mut c_void,
        trap: *mut TrapInfo,
    ) -> i32;
}

/// Called from the C signal handler: must stay async-signal-safe and must not panic.
extern "C" fn lookup_for_handler(pc: usize, trap_code: *mut u8) -> i32 {
    match code_registry::lookup(pc) {
        Lookup::Foreign => 0,
        Lookup::Ours { trap_code: code } => {
            if !trap_code.is_null() {
                // SAFETY: the C handler passes the address of a local uint8_t.
                unsafe { *trap_code = code };
            }
            1
        }
    }
}

static INSTALLED: OnceLock<Result<(), i32>> = OnceLock::new();

/// Installs the handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE (once per process), chaining to
/// whatever was installed before.
pub fn ensure_handlers() -> NativeResult<()> {
    let status = INSTALLED.get_or_init(|| {
        // SAFETY: called once (OnceLock); the lookup function is a plain extern "C" fn that
        // lives as long as the process.
        let rc = unsafe { sf_install_handlers(lookup_for_handler) };
        if rc == 0 { Ok(()) } else { Err(rc) }
    });
    status.map_err(|errno| {
        Failure::call(format!(
            "could not install the trap signal handlers (errno {errno})"
        ))
    })
}

/// How a call into JIT code ended.
pub enum CallOutcome {
    Returned,
    Trapped(TrapInfo),
}

/// Calls `callee` through `trampoline` with the argument/result slots in `values`.
///
/// # Safety
/// `trampoline` and `callee` must be finalized code of a live module, `trampoline` generated for
/// `callee`'s signature, and `values` must hold at least as many 16-byte, 16-aligned slots as
/// that signature has parameters or results. The code ranges must be registered, so a trap is
/// recognised as ours.
pub unsafe fn call(
    trampoline: Trampoline,
    callee: *const u8,
    values: *mut u128,
) -> NativeResult<CallOutcome> {
    ensure_handlers()?;
    // SAFETY: sf_ensure_altstack only touches this thread's signal stack setting.
    let rc = unsafe { sf_ensure_altstack() };
    if rc != 0 {
        return Err(Failure::call(format!(
            "could not set up an alternate signal stack (errno {rc})"
        )));
    }
    let mut info = TrapInfo::default();
    // SAFETY: guaranteed by this function's contract; sf_call returns normally in both outcomes,
    // and the siglongjmp inside it never crosses a Rust frame.
    let trapped = unsafe { sf_call(trampoline, callee.cast(), values.cast(), &mut info) };
    Ok(if trapped == 0 {
        CallOutcome::Returned
    } else {
        CallOutcome::Trapped(info)
    })
}

/// A signal number's name, for messages.
pub fn signal_name(signal: i32) -> String {
    match signal {
        libc_consts::SIGILL => "SIGILL".into(),
        libc_consts::SIGFPE => "SIGFPE".into(),
        libc_consts::SIGSEGV => "SIGSEGV".into(),
        libc_consts::SIGBUS => "SIGBUS".into(),
        other => format!("signal {other}"),
    }
}

/// The Linux signal numbers we handle (same on x86_64 and aarch64).
pub mod libc_consts {
    pub const SIGILL: i32 = 4;
    pub const SIGBUS: i32 = 7;
    pub const SIGFPE: i32 = 8;
    pub const SIGSEGV: i32 = 11;
}
