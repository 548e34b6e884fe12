//! Instances: a JIT module plus the memory its code addresses through the vmctx (laid out as the
//! TypeScript ABI describes it, received as JSON, never declared here), run on a thread the
//! addon owns. JavaScript drives a call as a sequence of steps: `call` starts it and returns a
//! promise of the first step; a step is either the end of the call (results or a trap) or a
//! request to run a host function, answered with `resume`. The wasm thread blocks while the
//! host function runs on Node's main thread.

use crate::errors::{Failure, NativeResult};
use crate::jit::{self, JitFunctionInfo, LoadedModule};
use crate::settings::Setting;
use crate::signals::{self, TrapInfo};
use crate::wasm_state::{FuelSlot, SharedState, WasmSetup, WasmState};
use napi::bindgen_prelude::Buffer;
use napi::{Env, JsDeferred};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The vmctx layout, as `src/abi/vmctx-layout.ts` serialises it. Offsets are in bytes.
#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Layout {
    pub vmctx_size: usize,
    pub store_context_size: usize,
    /// In the vmctx: pointer to the store context (Wasmtime 2026: vmctx+8).
    pub store_context_pointer: usize,
    /// In the vmctx: pointer to the epoch counter.
    pub epoch_counter_pointer: usize,
    /// In the vmctx: linear memory base and bound.
    pub memory_base: usize,
    pub memory_bound: usize,
    /// In the vmctx: address of the host-call dispatcher.
    pub host_dispatch: usize,
    /// In the store context: the fuel counter (Wasmtime: offset 0) and the epoch deadline.
    pub fuel_consumed: usize,
    pub epoch_deadline: usize,
}

impl Layout {
    fn validate(&self) -> NativeResult<()> {
        let fits = |offset: usize, size: usize| offset.is_multiple_of(8) && offset + 8 <= size;
        let vm = [
            ("storeContextPointer", self.store_context_pointer),
            ("epochCounterPointer", self.epoch_counter_pointer),
            ("memoryBase", self.memory_base),
            ("memoryBound", self.memory_bound),
            ("hostDispatch", self.host_dispatch),
        ];
        let store = [
            ("fuelConsumed", self.fuel_consumed),
            ("epochDeadline", self.epoch_deadline),
        ];
        for (name, offset) in vm {
            if !fits(offset, self.vmctx_size) {
                return Err(Failure::call(format!(
                    "vmctx layout: {name} at {offset} is not an aligned i64 inside {} bytes",
                    self.vmctx_size
                )));
            }
        }
        for (name, offset) in store {
            if !fits(offset, self.store_context_size) {
                return Err(Failure::call(format!(
                    "vmctx layout: {name} at {offset} is not an aligned i64 inside the {}-byte store context",
                    self.store_context_size
                )));
            }
        }
        Ok(())
    }
}

/// Options of `instantiate`, as JSON.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InstanceOptions {
    pub layout: Layout,
    /// Functions whose pinned register holds the fuel counter (the checker acts only there).
    pub metered: Vec<String>,
    /// Bytes of linear memory (zeroed).
    pub memory_bytes: usize,
    /// Stack size of the wasm thread.
    pub stack_bytes: usize,
    /// The store-context field the code's `stack_limit` compares against, if it has one: the
    /// runtime stores `sp - max_wasm_stack` there at every host→wasm entry.
    #[serde(default)]
    pub stack_limit: Option<usize>,
    /// Bytes of stack wasm may use below its entry (Wasmtime's `max_wasm_stack`).
    #[serde(default = "default_max_wasm_stack")]
    pub max_wasm_stack: usize,
    /// A translated wasm module's instance state (src/wasm); absent for plain CLIF.
    #[serde(default)]
    pub wasm: Option<WasmSetup>,
}

/// Wasmtime's default `max_wasm_stack`.
fn default_max_wasm_stack() -> usize {
    512 * 1024
}

/// Stack the wasm thread keeps beyond `max_wasm_stack` for what runs at the deepest wasm level:
/// builtins, the host-call dispatcher, the call shim and the signal path.
const HOST_STACK_RESERVE: usize = 256 * 1024;

/// The memory the code reaches through the vmctx. Boxed slices: their addresses never move.
struct Context {
    vmctx: Box<[u128]>,
    store: Box<[u128]>,
    epoch: Box<AtomicU64>,
    memory: Box<[u128]>,
    layout: Layout,
    wasm: Option<SharedState>,
    /// Store-context offset of the stack limit and the wasm stack size (see InstanceOptions).
    stack_limit: Option<(usize, usize)>,
}

fn write_u64(words: &mut [u128], offset: usize, value: u64) {
    // SAFETY: `offset` was validated to be 8-aligned with 8 bytes inside the slice.
    unsafe {
        words
            .as_mut_ptr()
            .cast::<u8>()
            .add(offset)
            .cast::<u64>()
            .write(value)
    }
}

fn read_u64(words: &[u128], offset: usize) -> u64 {
    // SAFETY: as in write_u64.
    unsafe { words.as_ptr().cast::<u8>().add(offset).cast::<u64>().read() }
}

impl Context {
    fn new(layout: Layout, memory_bytes: usize, vmctx_bytes: usize) -> Context {
        let words = |bytes: usize| vec![0u128; bytes.div_ceil(16).max(1)].into_boxed_slice();
        let mut context = Context {
            vmctx: words(layout.vmctx_size.max(vmctx_bytes)),
            store: words(layout.store_context_size),
            epoch: Box::new(AtomicU64::new(0)),
            memory: words(memory_bytes),
            layout,
            wasm: None,
            stack_limit: None,
        };
        let l = context.layout.clone();
        let store = context.store.as_ptr() as u64;
        let epoch = std::ptr::addr_of!(*context.epoch) as u64;
        let memory = context.memory.as_ptr() as u64;
        write_u64(&mut context.vmctx, l.store_context_pointer, store);
        write_u64(&mut context.vmctx, l.epoch_counter_pointer, epoch);
        write_u64(&mut context.vmctx, l.memory_base, memory);
        write_u64(&mut context.vmctx, l.memory_bound, memory_bytes as u64);
        write_u64(
            &mut context.vmctx,
            l.host_dispatch,
            host_dispatch as HostDispatch as usize as u64,
        );
        write_u64(&mut context.store, l.epoch_deadline, u64::MAX);
        context
    }

    fn vmctx_address(&self) -> u64 {
        self.vmctx.as_ptr() as u64
    }

    fn fuel(&self) -> i64 {
        read_u64(&self.store, self.layout.fuel_consumed) as i64
    }

    fn set_fuel(&mut self, value: i64) {
        write_u64(&mut self.store, self.layout.fuel_consumed, value as u64);
    }

    /// Sets the stack limit for a call entered from the current stack depth: wasm may use
    /// `max_wasm_stack` bytes below here (the frames between here and the code are small).
    fn set_stack_limit(&mut self) {
        if let Some((offset, max)) = self.stack_limit {
            let here = 0u8;
            let sp = std::ptr::addr_of!(here) as usize;
            write_u64(&mut self.store, offset, sp.saturating_sub(max) as u64);
        }
    }
}

/// One step of a call, as JavaScript receives it.
#[napi_derive::napi(object)]
pub struct CallStep {
    /// `returned`, `host` (run host function `host_index` on `slots`, then `resume`), `trapped`
    /// or `failed` (`error` holds a native error message).
    pub kind: String,
    pub slots: Option<Buffer>,
    pub host_index: Option<u32>,
    /// The fuel counter in the store context after the call (or at the trap).
    pub fuel_counter: Option<i64>,
    /// The pinned register when the trap was taken.
    pub pinned: Option<i64>,
    /// The fuel checker unwound the call.
    pub interrupted: Option<bool>,
    /// Cranelift's trap code (`user2`, `stk_ovf`, ...).
    pub trap_code: Option<String>,
    /// A native error (marker + JSON), decoded by the facade.
    pub error: Option<String>,
}

/// What a step carries before it is turned into JavaScript values on the main thread.
enum Outcome {
    Returned {
        slots: Vec<u8>,
        fuel: i64,
    },
    Host {
        index: u32,
        slots: Vec<u8>,
    },
    Trapped {
        failure: Failure,
        trap: TrapInfo,
        fuel: i64,
    },
    Failed(Failure),
}

type StepResolver = Box<dyn FnOnce(Env) -> napi::Result<CallStep> + Send>;
type Deferred = JsDeferred<CallStep, StepResolver>;

fn settle(deferred: Deferred, outcome: Outcome) {
    deferred.resolve(Box::new(move |_env| {
        let empty = CallStep {
            kind: String::new(),
            slots: None,
            host_index: None,
            fuel_counter: None,
            pinned: None,
            interrupted: None,
            trap_code: None,
            error: None,
        };
        Ok(match outcome {
            Outcome::Returned { slots, fuel } => CallStep {
                kind: "returned".into(),
                slots: Some(slots.into()),
                fuel_counter: Some(fuel),
                ..empty
            },
            Outcome::Host { index, slots } => CallStep {
                kind: "host".into(),
                slots: Some(slots.into()),
                host_index: Some(index),
                ..empty
            },
            Outcome::Trapped {
                failure,
                trap,
                fuel,
            } => {
                let trap_code = match &failure {
                    Failure::Trap { trap_code, .. } => Some(trap_code.clone()),
                    _ => None,
                };
                CallStep {
                    kind: "trapped".into(),
                    fuel_counter: Some(fuel),
                    pinned: Some(trap.pinned as i64),
                    interrupted: Some(trap.interrupted != 0),
                    trap_code,
                    error: Some(failure.message()),
                    ..empty
                }
            }
            Outcome::Failed(failure) => CallStep {
                kind: "failed".into(),
                error: Some(failure.message()),
                ..empty
            },
        })
    }));
}

enum Job {
    Call {
        index: usize,
        args: Vec<u8>,
        fuel: Option<i64>,
        deferred: Deferred,
    },
    Resume {
        slots: Vec<u8>,
        failed: bool,
        deferred: Deferred,
    },
}

/// The thread a checker signals. `thread` is Some exactly while the wasm thread is alive: the
/// thread clears it (under the lock) when it exits, and senders hold the lock while sending, so
/// no signal reaches an exited thread whose id may have been reused.
pub struct ThreadHandle {
    thread: Mutex<Option<usize>>,
    sent: AtomicU64,
    /// The counter the check handler last saw in metered code (UNOBSERVED: none yet).
    observed: AtomicI64,
    /// Non-zero once the instance is disposed: a check signal then unwinds the running wasm
    /// in any mode, and the bulk builtins stop between pieces.
    interrupt: AtomicI32,
}

/// `ThreadHandle::observed` before any check has seen metered code.
const UNOBSERVED: i64 = i64::MIN;

impl ThreadHandle {
    /// Sends one check; false when the thread is gone.
    pub fn check(&self) -> bool {
        signals::reassert_handlers();
        let guard = self.thread.lock().unwrap_or_else(|p| p.into_inner());
        match *guard {
            Some(thread) => {
                // SAFETY: the thread is alive while `thread` is Some and we hold the lock, which
                // the exiting thread must take before it can finish.
                let rc = unsafe { signals::send_check(thread) };
                if rc == 0 {
                    self.sent.fetch_add(1, Ordering::Relaxed);
                }
                rc == 0
            }
            None => false,
        }
    }

    /// Asks the wasm thread to stop what it runs: sets the interrupt flag, then sends check
    /// signals from a short-lived thread until the thread has exited (the jobs channel is
    /// closed by the caller, so the thread ends once its call unwinds), for at most a minute.
    fn interrupt(self: &Arc<Self>) {
        if self.interrupt.swap(1, Ordering::SeqCst) != 0 {
            return;
        }
        let handle = Arc::clone(self);
        let _ = std::thread::Builder::new()
            .name("slackfuel-interrupt".into())
            .spawn(move || {
                let until = Instant::now() + Duration::from_secs(60);
                while handle.check() && Instant::now() < until {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
    }
}

/// Whether the instance whose wasm thread this is was asked to stop (false on other threads).
/// The bulk builtins poll it between pieces.
pub fn interrupt_requested() -> bool {
    LIVENESS.with(|cell| {
        cell.try_borrow()
            .ok()
            .and_then(|l| l.as_ref().map(|l| l.0.interrupt.load(Ordering::Relaxed) != 0))
            .unwrap_or(false)
    })
}

/// Clears the handle when the wasm thread exits (thread-local destructor).
struct Liveness(Arc<ThreadHandle>);

impl Drop for Liveness {
    fn drop(&mut self) {
        // SAFETY: a null slot makes the handler store nothing (this runs on the wasm thread).
        unsafe { signals::set_observed_counter(std::ptr::null_mut()) };
        // SAFETY: a null flag makes the handler ignore interruption (this runs on the wasm thread).
        unsafe { signals::set_interrupt_flag(std::ptr::null()) };
        let mut guard = self.0.thread.lock().unwrap_or_else(|p| p.into_inner());
        *guard = None;
    }
}

/// The state the host dispatcher needs on the wasm thread.
struct WorkerState {
    jobs: Receiver<Job>,
    pending: Option<Deferred>,
}

thread_local! {
    static LIVENESS: RefCell<Option<Liveness>> = const { RefCell::new(None) };
    static WORKER: RefCell<Option<WorkerState>> = const { RefCell::new(None) };
}

/// The dispatcher's C signature, as the wasm→host trampolines call it.
type HostDispatch = extern "C" fn(*mut u8, u64, *mut u8, u64, u64) -> i32;

/// Host-function failure status the wasm→host trampoline turns into a trap.
const HOST_FAILED: i32 = 1;

/// Called by wasm→host trampolines (C calling convention): hands host function `index` its
/// argument slots through the current step, blocks until JavaScript resumes the call, and
/// leaves the results in the same slots. Returns 0, or HOST_FAILED when the host function
/// threw or the instance is going away. Never unwinds into JIT code.
extern "C" fn host_dispatch(
    _vmctx: *mut u8,
    index: u64,
    slots: *mut u8,
    params: u64,
    results: u64,
) -> i32 {
    let run = || -> i32 {
        WORKER.with(|cell| {
            let mut borrowed = cell.borrow_mut();
            let Some(state) = borrowed.as_mut() else {
                return HOST_FAILED;
            };
            let Some(deferred) = state.pending.take() else {
                return HOST_FAILED;
            };
            let bytes = (params as usize) * jit::SLOT_BYTES;
            // SAFETY: the trampoline passes a stack slot of max(params, results) 16-byte slots.
            let args = unsafe { std::slice::from_raw_parts(slots, bytes) }.to_vec();
            settle(
                deferred,
                Outcome::Host {
                    index: index as u32,
                    slots: args,
                },
            );
            loop {
                match state.jobs.recv() {
                    Ok(Job::Resume {
                        slots: answer,
                        failed,
                        deferred,
                    }) => {
                        state.pending = Some(deferred);
                        if failed {
                            return HOST_FAILED;
                        }
                        let wanted = (results as usize) * jit::SLOT_BYTES;
                        let n = wanted.min(answer.len());
                        // SAFETY: as above; at most `results` slots are written.
                        unsafe { std::ptr::copy_nonoverlapping(answer.as_ptr(), slots, n) };
                        return 0;
                    }
                    Ok(Job::Call { deferred, .. }) => settle(
                        deferred,
                        Outcome::Failed(Failure::call(
                            "a host function cannot call into the same instance while it runs",
                        )),
                    ),
                    Err(_) => return HOST_FAILED,
                }
            }
        })
    };
    std::panic::catch_unwind(run).unwrap_or(HOST_FAILED)
}

/// A failed builtin makes the code trap with `user5`; report the trap it recorded instead.
fn builtin_trap(context: &Context, failure: Failure) -> Failure {
    let Some(state) = &context.wasm else {
        return failure;
    };
    let recorded = state.lock().map(|mut s| s.last_trap.take()).unwrap_or(None);
    match (failure, recorded) {
        (
            Failure::Trap {
                message,
                trap_code,
                function,
                offset,
                signal,
            },
            Some(code),
        ) if trap_code == "user5" => Failure::Trap {
            message: message.replacen("trap user5", &format!("trap {code}"), 1),
            trap_code: code.to_string(),
            function,
            offset,
            signal,
        },
        (failure, _) => failure,
    }
}

struct SendModule(LoadedModule);
// SAFETY: the module (machine code and the raw pointers into it) moves to the wasm thread once
// and is used and dropped only there.
unsafe impl Send for SendModule {}

fn worker(
    module: SendModule,
    mut context: Context,
    jobs: Receiver<Job>,
    handle: Arc<ThreadHandle>,
) {
    // SAFETY: the slot lives in the Arc'd handle, which Liveness keeps alive until it clears
    // the slot again as the thread exits; the C handler and the checker access it only
    // atomically. Set before the thread id is published, so no check finds it unset.
    unsafe { signals::set_observed_counter(handle.observed.as_ptr()) };
    // SAFETY: as above: the flag lives in the handle, Liveness clears the pointer on exit, and
    // the flag is only accessed atomically.
    unsafe { signals::set_interrupt_flag(handle.interrupt.as_ptr()) };
    let stop = Arc::clone(&handle);
    {
        let mut guard = handle.thread.lock().unwrap_or_else(|p| p.into_inner());
        *guard = Some(signals::current_thread());
    }
    LIVENESS.with(|cell| *cell.borrow_mut() = Some(Liveness(handle)));
    WORKER.with(|cell| {
        *cell.borrow_mut() = Some(WorkerState {
            jobs,
            pending: None,
        })
    });
    let module = module.0;
    loop {
        let job = WORKER.with(|cell| cell.borrow().as_ref().map(|s| s.jobs.recv()));
        let Some(Ok(job)) = job else { break };
        match job {
            Job::Call {
                index,
                args,
                fuel,
                deferred,
            } => {
                if let Some(f) = fuel {
                    context.set_fuel(f);
                }
                context.set_stack_limit();
                let mut full = context.vmctx_address().to_le_bytes().to_vec();
                full.resize(jit::SLOT_BYTES, 0);
                full.extend_from_slice(&args);
                WORKER.with(|cell| {
                    if let Some(s) = cell.borrow_mut().as_mut() {
                        s.pending = Some(deferred);
                    }
                });
                let outcome = match module.call_raw(index, &full) {
                    _ if stop.interrupt.load(Ordering::SeqCst) != 0 => {
                        Outcome::Failed(Failure::ModuleDisposedError {
                            message: "the instance was disposed while the call ran; the call was interrupted".to_string(),
                        })
                    }
                    Ok(Ok(slots)) => Outcome::Returned {
                        slots,
                        fuel: context.fuel(),
                    },
                    Ok(Err(trap)) => Outcome::Trapped {
                        failure: builtin_trap(&context, module.trap_failure(&trap)),
                        trap,
                        fuel: context.fuel(),
                    },
                    Err(failure) => Outcome::Failed(failure),
                };
                let pending =
                    WORKER.with(|cell| cell.borrow_mut().as_mut().and_then(|s| s.pending.take()));
                if let Some(d) = pending {
                    settle(d, outcome);
                }
            }
            Job::Resume { deferred, .. } => settle(
                deferred,
                Outcome::Failed(Failure::call("no host function is waiting for results")),
            ),
        }
    }
    WORKER.with(|cell| *cell.borrow_mut() = None);
    drop(module);
    drop(context);
}

/// An instance: module + context on its own thread.
#[napi_derive::napi]
pub struct NativeInstance {
    jobs: Option<Sender<Job>>,
    handle: Arc<ThreadHandle>,
    infos: Vec<JitFunctionInfo>,
    names: Vec<String>,
    wasm: Option<SharedState>,
}

fn gone() -> Failure {
    Failure::ModuleDisposedError {
        message: "the instance has been disposed".to_string(),
    }
}

pub fn instantiate(
    text: &str,
    settings: &[Setting],
    options: &str,
) -> NativeResult<NativeInstance> {
    let options: InstanceOptions = serde_json::from_str(options)
        .map_err(|e| Failure::call(format!("bad instance options: {e}")))?;
    options.layout.validate()?;
    signals::ensure_check_handler()?;
    let metered: HashSet<String> = options.metered.iter().cloned().collect();
    let module = jit::load_with(text, settings, &metered)?;
    let infos = module.infos();
    let names = infos.iter().map(|i| i.name.clone()).collect();
    let vmctx_bytes = options.wasm.as_ref().map_or(0, |w| w.vmctx_bytes);
    let stack_bytes = options.stack_bytes.max(256 * 1024);
    if let Some(offset) = options.stack_limit {
        let fits = offset.is_multiple_of(8) && offset + 8 <= options.layout.store_context_size;
        if !fits {
            return Err(Failure::call(format!(
                "stack limit at store context offset {offset} is not an aligned i64 inside the store context"
            )));
        }
        if options.max_wasm_stack + HOST_STACK_RESERVE > stack_bytes {
            return Err(Failure::call(format!(
                "maxWasmStack ({} bytes) plus {HOST_STACK_RESERVE} bytes for host code must fit the {stack_bytes}-byte wasm thread stack",
                options.max_wasm_stack
            )));
        }
    }
    let mut context = Context::new(options.layout, options.memory_bytes, vmctx_bytes);
    context.stack_limit = options.stack_limit.map(|o| (o, options.max_wasm_stack));
    if let Some(setup) = &options.wasm {
        let l = &context.layout;
        let (base, bound) = (l.memory_base, l.memory_bound);
        let fuel = FuelSlot {
            store_context_pointer: l.store_context_pointer,
            fuel_consumed: l.fuel_consumed,
        };
        let vmctx = context.vmctx.as_mut_ptr().cast::<u8>();
        context.wasm = Some(WasmState::new(setup, &module, vmctx, base, bound, fuel)?);
    }
    let wasm = context.wasm.clone();
    let (sender, receiver) = channel();
    let handle = Arc::new(ThreadHandle {
        thread: Mutex::new(None),
        sent: AtomicU64::new(0),
        observed: AtomicI64::new(UNOBSERVED),
        interrupt: AtomicI32::new(0),
    });
    let for_thread = Arc::clone(&handle);
    let module = SendModule(module);
    std::thread::Builder::new()
        .name("slackfuel-wasm".into())
        .stack_size(stack_bytes)
        .spawn(move || worker(module, context, receiver, for_thread))
        .map_err(|e| Failure::call(format!("could not start the wasm thread: {e}")))?;
    // Wait until the thread has published its id, so a checker created now can reach it.
    while handle.thread.lock().map(|g| g.is_none()).unwrap_or(false) {
        std::thread::yield_now();
    }
    Ok(NativeInstance {
        jobs: Some(sender),
        handle,
        infos,
        names,
        wasm,
    })
}

impl NativeInstance {
    fn wasm_state(&self) -> napi::Result<&SharedState> {
        match (&self.wasm, &self.jobs) {
            (Some(state), _) => Ok(state),
            (None, None) => Err(failure_to_napi(gone())),
            (None, Some(_)) => Err(failure_to_napi(Failure::call("not a wasm instance"))),
        }
    }

    fn send(&self, job: Job) -> NativeResult<()> {
        let jobs = self.jobs.as_ref().ok_or_else(gone)?;
        jobs.send(job).map_err(|_| gone())
    }
}

#[napi_derive::napi]
impl NativeInstance {
    #[napi]
    pub fn functions(&self) -> Vec<JitFunctionInfo> {
        self.infos.clone()
    }

    /// Starts calling function `index` (its first parameter, the vmctx, is filled in here) with
    /// the remaining argument slots; `fuel` sets the store's fuel counter first.
    #[napi(ts_return_type = "Promise<CallStep>")]
    pub fn call<'e>(
        &self,
        env: &'e Env,
        index: u32,
        args: Buffer,
        fuel: Option<i64>,
    ) -> napi::Result<napi::bindgen_prelude::Object<'e>> {
        let (deferred, promise) = env.create_deferred::<CallStep, StepResolver>()?;
        if (index as usize) >= self.names.len() {
            settle(
                deferred,
                Outcome::Failed(Failure::call(format!("no function with index {index}"))),
            );
            return Ok(promise);
        }
        let job = Job::Call {
            index: index as usize,
            args: args.to_vec(),
            fuel,
            deferred,
        };
        if let Err(failure) = self.send(job) {
            // The job (and its deferred) came back in the error only for mpsc; report instead.
            return Err(failure_to_napi(failure));
        }
        Ok(promise)
    }

    /// Answers a `host` step with the host function's result slots (or its failure).
    #[napi(ts_return_type = "Promise<CallStep>")]
    pub fn resume<'e>(
        &self,
        env: &'e Env,
        slots: Buffer,
        failed: bool,
    ) -> napi::Result<napi::bindgen_prelude::Object<'e>> {
        let (deferred, promise) = env.create_deferred::<CallStep, StepResolver>()?;
        self.send(Job::Resume {
            slots: slots.to_vec(),
            failed,
            deferred,
        })
        .map_err(failure_to_napi)?;
        Ok(promise)
    }

    /// A copy of `len` bytes of a wasm instance's linear memory. Only while no call runs or
    /// while the call waits for a host function.
    #[napi]
    pub fn read_memory(&self, offset: f64, len: f64, memory: Option<u32>) -> napi::Result<Buffer> {
        let state = self.wasm_state()?;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .read(memory.unwrap_or(0), offset as usize, len as usize)
            .map(Buffer::from)
            .map_err(failure_to_napi)
    }

    /// Writes bytes into a wasm instance's linear memory (same rule as `read_memory`).
    #[napi]
    pub fn write_memory(&self, offset: f64, bytes: Buffer, memory: Option<u32>) -> napi::Result<()> {
        let state = self.wasm_state()?;
        let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
        guard
            .write(memory.unwrap_or(0), offset as usize, &bytes)
            .map_err(failure_to_napi)
    }

    /// The edge-profile counters of an instrumented wasm instance, little-endian u64s (same
    /// rule as `read_memory`: the code that writes them is not running).
    #[napi]
    pub fn read_profile_counters(&self) -> napi::Result<Buffer> {
        let state = self.wasm_state()?;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        Ok(Buffer::from(guard.profile_counter_bytes()))
    }

    /// Bytes of a wasm instance's linear memory.
    #[napi]
    pub fn memory_size(&self, memory: Option<u32>) -> napi::Result<f64> {
        let state = self.wasm_state()?;
        let guard = state.lock().unwrap_or_else(|p| p.into_inner());
        Ok(guard.memory_size(memory.unwrap_or(0)) as f64)
    }

    /// A fuel checker bound to this instance's wasm thread.
    #[napi]
    pub fn checker(&self) -> FuelChecker {
        FuelChecker {
            handle: Arc::clone(&self.handle),
            periodic: None,
        }
    }

    /// Ends the instance: a running call is interrupted (it fails with ModuleDisposedError),
    /// the wasm thread exits and frees the machine code. Idempotent.
    #[napi]
    pub fn dispose(&mut self) {
        if self.jobs.take().is_some() {
            self.handle.interrupt();
        }
        // The wasm thread holds its own reference until it exits; ours would keep linear
        // memory (up to 4 GiB committed) alive until the garbage collector finds this object.
        self.wasm = None;
    }

    #[napi(getter)]
    pub fn disposed(&self) -> bool {
        self.jobs.is_none()
    }

    /// Whether the wasm thread is still running.
    #[napi(getter)]
    pub fn thread_alive(&self) -> bool {
        self.handle
            .thread
            .lock()
            .map(|g| g.is_some())
            .unwrap_or(false)
    }
}

impl Drop for NativeInstance {
    /// Collected by the garbage collector, or finalized when its worker thread terminates:
    /// interrupt whatever the wasm thread still runs, so no thread is left spinning.
    fn drop(&mut self) {
        self.dispose();
    }
}

fn failure_to_napi(failure: Failure) -> napi::Error {
    napi::Error::from_reason(failure.message())
}

/// The stop flag of a periodic checker, with a condition variable so stopping wakes it.
struct StopSignal {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl StopSignal {
    /// Waits up to `timeout`; true once stopped.
    fn wait(&self, timeout: Duration) -> bool {
        let guard = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, timeout, |stopped| !*stopped)
            .unwrap_or_else(|p| p.into_inner());
        *guard
    }

    fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.wake.notify_all();
    }
}

struct Periodic {
    stop: Arc<StopSignal>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Periodic {
    fn drop(&mut self) {
        // Wakes the timer, which sends nothing more and ends; not joined, so the caller never
        // waits for it.
        self.stop.stop();
        drop(self.thread.take());
    }
}

/// Paces periodic checks by the fuel rate: the time until the budget could run out, at the
/// rate observed between the last two checks, halved, between `min` and `max`. When the last
/// check saw no metered code, or saw no progress since the one before (the thread is in host
/// code, a new call began), it checks every `min`. The outcome never depends on the pace (design.md): only how late an
/// exhausted budget is noticed does, at most `max` (plus one `min`) when the rate jumps, about
/// `min` when it is steady.
struct Pacer {
    min: Duration,
    max: Duration,
    /// When the previous observation's check was sent, and the counter it saw.
    last: Option<(Instant, i64)>,
}

impl Pacer {
    /// The wait, from `now`, before the next check, given the counter `seen` by the check sent
    /// at `sent` (observations arrive one check late, so the time since counts against it).
    fn next(&mut self, now: Instant, sent: Instant, seen: i64) -> Duration {
        let last = self.last.replace((sent, seen));
        if seen == UNOBSERVED || seen >= 0 {
            return self.min;
        }
        let Some((before, counted)) = last else {
            return self.min;
        };
        let elapsed = sent.saturating_duration_since(before).as_secs_f64();
        if counted == UNOBSERVED || seen <= counted || elapsed <= 0.0 {
            return self.min;
        }
        let rate = (seen - counted) as f64 / elapsed;
        let until_empty = (-seen) as f64 / rate - now.saturating_duration_since(sent).as_secs_f64();
        let wait = (until_empty / 2.0).clamp(self.min.as_secs_f64(), self.max.as_secs_f64());
        Duration::from_secs_f64(wait)
    }
}

/// Interrupts the wasm thread to check its fuel: `check()` once, or periodically.
#[napi_derive::napi]
pub struct FuelChecker {
    handle: Arc<ThreadHandle>,
    periodic: Option<Periodic>,
}

#[napi_derive::napi]
impl FuelChecker {
    /// Sends one check; false when the thread has exited.
    #[napi]
    pub fn check(&self) -> bool {
        self.handle.check()
    }

    /// Checks from a timer thread until `stop()`: every `interval_ms` milliseconds, or, with
    /// `max_interval_ms` above it, paced by the fuel rate the checks observe: every
    /// `interval_ms` while the budget could run out soon, up to every `max_interval_ms` while
    /// the observed rate says it cannot (see `Pacer`).
    #[napi]
    pub fn start(&mut self, interval_ms: f64, max_interval_ms: Option<f64>) -> napi::Result<()> {
        let max_ms = max_interval_ms.unwrap_or(interval_ms);
        let valid = |ms: f64| ms.is_finite() && ms > 0.0 && ms <= 60_000.0;
        if !(valid(interval_ms) && valid(max_ms) && max_ms >= interval_ms) {
            return Err(failure_to_napi(Failure::call(
                "check intervals must be positive numbers of milliseconds (at most 60000), the maximum no less than the minimum",
            )));
        }
        self.periodic = None;
        let stop = Arc::new(StopSignal {
            stopped: Mutex::new(false),
            wake: Condvar::new(),
        });
        let handle = Arc::clone(&self.handle);
        handle.observed.store(UNOBSERVED, Ordering::Relaxed);
        let flag = Arc::clone(&stop);
        let mut pacer = Pacer {
            min: Duration::from_secs_f64(interval_ms / 1000.0),
            max: Duration::from_secs_f64(max_ms / 1000.0),
            last: None,
        };
        let thread = std::thread::Builder::new()
            .name("slackfuel-checker".into())
            .spawn(move || {
                let mut wait = pacer.min;
                let mut previous: Option<Instant> = None;
                while !flag.wait(wait) {
                    // What the previous check saw, then the next check.
                    let seen = handle.observed.load(Ordering::Relaxed);
                    let now = Instant::now();
                    handle.check();
                    wait = previous.map_or(pacer.min, |sent| pacer.next(now, sent, seen));
                    previous = Some(now);
                }
            })
            .map_err(|e| {
                failure_to_napi(Failure::call(format!(
                    "could not start the checker thread: {e}"
                )))
            })?;
        self.periodic = Some(Periodic {
            stop,
            thread: Some(thread),
        });
        Ok(())
    }

    /// Stops periodic checking (idempotent).
    #[napi]
    pub fn stop(&mut self) {
        self.periodic = None;
    }

    /// Checks sent so far (successful pthread_sigqueue calls).
    #[napi(getter)]
    pub fn sent(&self) -> f64 {
        self.handle.sent.load(Ordering::Relaxed) as f64
    }
}
