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
    /// The pinned register (r15 / x21) when the trap was taken.
    pub pinned: u64,
    /// 1 when the fuel checker unwound the call.
    pub interrupted: i32,
}

/// A Cranelift trampoline: `fn(callee, values)` with the host's C calling convention.
pub type Trampoline = unsafe extern "C" fn(callee: *const c_void, values: *mut c_void);

type LookupFn = extern "C" fn(pc: usize, trap_code: *mut u8) -> i32;

unsafe extern "C" {
    fn sf_install_handlers(lookup: LookupFn) -> i32;
    fn sf_ensure_altstack() -> i32;
    fn sf_reassert_handlers() -> i32;
    fn sf_set_interrupt_flag(flag: *const i32);
    fn sf_call(
        trampoline: Trampoline,
        callee: *const c_void,
        values: *mut c_void,
        trap: *mut TrapInfo,
    ) -> i32;
}

/// Called from the C signal handler: must stay async-signal-safe and must not panic (the
/// lookup cannot; a panic would be answered "foreign" rather than unwind into C).
extern "C" fn lookup_for_handler(pc: usize, trap_code: *mut u8) -> i32 {
    std::panic::catch_unwind(|| lookup_answer(pc, trap_code)).unwrap_or(0)
}

fn lookup_answer(pc: usize, trap_code: *mut u8) -> i32 {
    match code_registry::lookup(pc) {
        Lookup::Foreign => 0,
        Lookup::Ours {
            trap_code: code,
            metered,
        } => {
            if !trap_code.is_null() {
                // SAFETY: the C handler passes the address of a local uint8_t.
                unsafe { *trap_code = code };
            }
            if metered { 2 } else { 1 }
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
    })?;
    ensure_sentinel();
    Ok(())
}

/// How often the sentinel re-asserts our handlers.
const SENTINEL_PERIOD: std::time::Duration = std::time::Duration::from_millis(10);

/// Starts (once) a thread that re-asserts our handlers every few milliseconds, so a listener
/// Node installs while a call runs cannot hold a trap for longer than that: a fault handed to
/// libuv's handler returns, re-executes, and reaches ours once it is back. Five `sigaction`
/// queries per period: negligible.
fn ensure_sentinel() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let spawned = std::thread::Builder::new()
            .name("slackfuel-signals".into())
            .spawn(|| {
                loop {
                    std::thread::sleep(SENTINEL_PERIOD);
                    reassert_handlers();
                }
            });
        // Without the thread, handlers are still re-asserted at every entry and check.
        drop(spawned);
    });
}

/// Puts our handlers back where another was installed over them since (Node installs libuv's
/// when a `process.on` listener is added for one of our signals); the replacing handler
/// becomes the one we chain to. Called at every host→wasm entry and before every check signal.
/// Returns how many handlers were re-installed.
pub fn reassert_handlers() -> i32 {
    // SAFETY: only queries and (re)installs sigactions; the handlers it installs are ours.
    unsafe { sf_reassert_handlers() }
}

/// Makes check signals on this thread unwind from our code while `*flag != 0`.
///
/// # Safety
/// `flag` must stay valid (and be written only atomically) for the rest of the calling thread's
/// life, or until this is called again.
pub unsafe fn set_interrupt_flag(flag: *const i32) {
    // SAFETY: guaranteed by the caller.
    unsafe { sf_set_interrupt_flag(flag) }
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
    reassert_handlers();
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

/// The signal the fuel checker sends: SIGRTMIN+6 (a real-time signal Node leaves alone; see
/// call_shim.c). Signals of this number without our cookie go to the handler installed before
/// ours.
pub fn check_signal() -> i32 {
    // SAFETY: returns SIGRTMIN + 6; glibc's SIGRTMIN is a call (__libc_current_sigrtmin) with
    // no preconditions, and the C function touches nothing else.
    unsafe { sf_default_check_signal() }
}

unsafe extern "C" {
    fn sf_install_check_handler(sig: i32, cookie: *mut c_void) -> i32;
    fn sf_default_check_signal() -> i32;
    fn sf_send_check(thread: usize) -> i32;
    fn sf_set_observed_counter(slot: *mut i64);
    fn pthread_self() -> usize;
}

/// The cookie: the address of a static, unique to this library instance.
static COOKIE: u8 = 0;
static CHECK_INSTALLED: OnceLock<Result<(), i32>> = OnceLock::new();

/// Installs the fuel checker's handler for `check_signal()` once per process.
pub fn ensure_check_handler() -> NativeResult<()> {
    let status = CHECK_INSTALLED.get_or_init(|| {
        // SAFETY: called once (OnceLock); the cookie is a static that lives as long as the
        // process and is only compared, never written.
        let rc = unsafe {
            sf_install_check_handler(check_signal(), std::ptr::addr_of!(COOKIE) as *mut c_void)
        };
        if rc == 0 { Ok(()) } else { Err(rc) }
    });
    status.map_err(|errno| {
        Failure::call(format!(
            "could not install the fuel checker's signal handler (errno {errno})"
        ))
    })
}

/// The calling thread's pthread id.
pub fn current_thread() -> usize {
    // SAFETY: pthread_self has no preconditions.
    unsafe { pthread_self() }
}

/// Makes the check handler store the counter it sees in metered code on this thread into
/// `slot` (atomically, relaxed).
///
/// # Safety
/// `slot` must stay valid, and be accessed only atomically, for the rest of the calling
/// thread's life.
pub unsafe fn set_observed_counter(slot: *mut i64) {
    // SAFETY: guaranteed by the caller.
    unsafe { sf_set_observed_counter(slot) }
}

/// Sends one check request to `thread`; returns 0 or an errno.
///
/// # Safety
/// `thread` must be a live thread of this process (not exited, so its id cannot be reused), and
/// the check handler must be installed.
pub unsafe fn send_check(thread: usize) -> i32 {
    // SAFETY: guaranteed by the caller.
    unsafe { sf_send_check(thread) }
}
