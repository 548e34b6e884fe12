//! `NativeInstance`, the napi class: starts the wasm thread for a JIT module and its context,
//! sends it calls and host-function answers, and reads and writes a wasm instance's memory.

use super::checker::FuelChecker;
use super::context::Context;
use super::entry::{entry, failure_to_napi};
use super::options::{HOST_STACK_RESERVE, InstanceOptions};
use super::reply::{Rendezvous, Reply};
use super::steps::{CallStep, Job, Outcome, StepResolver, settle, step_of};
use super::store::Store;
use super::thread_handle::{ThreadHandle, UNOBSERVED};
use super::worker::{Member, worker};
use crate::errors::{Failure, NativeResult};
use crate::jit::{self, JitFunctionInfo};
use crate::memory_object::NativeMemory;
use crate::settings::Setting;
use crate::signals;
use crate::wasm_state::{FuelSlot, GlobalLink, Linker, SharedState, TableLink, WasmState};
use napi::Env;
use napi::bindgen_prelude::Buffer;
use std::collections::HashSet;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU64};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

/// An instance: module + context, a member of a store whose wasm thread runs its calls.
#[napi_derive::napi]
pub struct NativeInstance {
    jobs: Option<Sender<Job>>,
    store: Arc<Store>,
    member: usize,
    infos: Vec<JitFunctionInfo>,
    names: Vec<String>,
    wasm: Option<SharedState>,
    /// The step `resume_wait` stopped waiting for, until `next_step` takes it.
    waiting: Mutex<Option<Arc<Rendezvous>>>,
}

fn gone() -> Failure {
    Failure::ModuleDisposedError {
        message: "the instance has been disposed".to_string(),
    }
}

/// Compiles `text` and instantiates it: in a new store on a new wasm thread, or, with
/// `store_of`, as a member of that instance's store (its imports may then name the other
/// members' functions, which its code calls directly).
pub fn instantiate(
    text: &str,
    settings: &[Setting],
    options: &str,
    store_of: Option<&NativeInstance>,
) -> NativeResult<NativeInstance> {
    let options: InstanceOptions = serde_json::from_str(options)
        .map_err(|e| Failure::call(format!("bad instance options: {e}")))?;
    options.layout.validate()?;
    signals::ensure_check_handler()?;
    let stack_limit = options.stack_limit.map(|o| (o, options.max_wasm_stack));
    let settings_key = format!("{settings:?}");
    let joining = match store_of {
        Some(other) => {
            if other.jobs.is_none() {
                return Err(gone());
            }
            other
                .store
                .check_compatible(&options.layout, stack_limit, &settings_key)?;
            Some((Arc::clone(&other.store), other.jobs.clone()))
        }
        None => None,
    };
    let metered: HashSet<String> = options.metered.iter().cloned().collect();
    let module = jit::load_with(text, settings, &metered, options.code_layout_seed)?;
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
    let layout = options.layout.clone();
    let mut context = Context::new(options.layout, options.memory_bytes, vmctx_bytes);
    context.stack_limit = stack_limit;
    if let Some((store, _)) = &joining {
        context.use_store(store.store_context, store.epoch);
    }
    if let Some(setup) = &options.wasm {
        let l = &context.layout;
        let (base, bound) = (l.memory_base, l.memory_bound);
        let fuel = FuelSlot {
            store_context_pointer: l.store_context_pointer,
            fuel_consumed: l.fuel_consumed,
        };
        let vmctx = context.vmctx.as_mut_ptr().cast::<u8>();
        let alone = || {
            Failure::call(
                "an import names another instance's function, table or global, but the instance is not joining a store",
            )
        };
        let function = |member: u32, function: u32| match &joining {
            Some((store, _)) => store.link(member, function),
            None => Err(alone()),
        };
        let table = |link: TableLink| match &joining {
            Some((store, _)) => store.link_table(link),
            None => Err(alone()),
        };
        let global = |link: GlobalLink| match &joining {
            Some((store, _)) => store.link_global(link),
            None => Err(alone()),
        };
        let linker = Linker {
            function: &function,
            table: &table,
            global: &global,
        };
        // SAFETY: `context.vmctx` holds max(layout.vmctx_size, vmctx_bytes) bytes and lives in
        // the context with the state; no wasm code runs before the member reaches its thread.
        let state = unsafe { WasmState::new(setup, &module, vmctx, base, bound, fuel, linker) }?;
        context.wasm = Some(state);
    }
    let wasm = context.wasm.clone();
    let (store, jobs, member) = match joining {
        Some((store, Some(jobs))) => {
            let id = store.add(wasm.clone());
            let member = Member {
                id,
                module,
                context,
            };
            jobs.send(Job::Join(member)).map_err(|_| gone())?;
            (store, jobs, id)
        }
        Some((_, None)) => return Err(gone()),
        None => {
            let (sender, receiver) = channel();
            let handle = Arc::new(ThreadHandle {
                thread: Mutex::new(None),
                sent: AtomicU64::new(0),
                observed: AtomicI64::new(UNOBSERVED),
                interrupt: AtomicI32::new(0),
            });
            let (store_context, epoch) = context.store_addresses();
            let store = Arc::new(Store::new(
                Arc::clone(&handle),
                store_context,
                epoch,
                layout,
                stack_limit,
                settings_key,
            ));
            let id = store.add(wasm.clone());
            let founder = Member {
                id,
                module,
                context,
            };
            std::thread::Builder::new()
                .name("slackfuel-wasm".into())
                .stack_size(stack_bytes)
                .spawn(move || worker(founder, receiver, handle))
                .map_err(|e| Failure::call(format!("could not start the wasm thread: {e}")))?;
            // Wait until the thread has published its id, so a checker created now can reach it.
            while store
                .handle
                .thread
                .lock()
                .map(|g| g.is_none())
                .unwrap_or(false)
            {
                std::thread::yield_now();
            }
            (store, sender, id)
        }
    };
    Ok(NativeInstance {
        jobs: Some(jobs),
        store,
        member,
        infos,
        names,
        wasm,
        waiting: Mutex::new(None),
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

    /// Lets the wasm thread exit once no member of the store is left, interrupting what it
    /// runs when this was the last (dispose and drop).
    fn end(&mut self) {
        if self.jobs.take().is_some() && self.store.release() {
            self.store.handle.interrupt();
        }
        // The wasm thread holds its own reference until it exits; ours would keep linear
        // memory (up to 4 GiB committed) alive until the garbage collector finds this object.
        self.wasm = None;
    }

    /// Hands `job` to the wasm thread; once the instance is disposed (or its thread gone) the
    /// job's promise is settled with the disposal error instead, since a deferred that is never
    /// settled keeps Node's event loop alive for good.
    fn send(&self, job: Job) {
        match &self.jobs {
            None => job.fail(gone()),
            Some(jobs) => {
                if let Err(std::sync::mpsc::SendError(job)) = jobs.send(job) {
                    job.fail(gone());
                }
            }
        }
    }
}

#[napi_derive::napi]
impl NativeInstance {
    #[napi]
    pub fn functions(&self) -> napi::Result<Vec<JitFunctionInfo>> {
        entry(|| Ok(self.infos.clone()))
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
        entry(|| {
            let (deferred, promise) = env.create_deferred::<CallStep, StepResolver>()?;
            if (index as usize) >= self.names.len() {
                settle(
                    deferred,
                    Outcome::Failed(Failure::call(format!("no function with index {index}"))),
                );
                return Ok(promise);
            }
            let job = Job::Call {
                member: self.member,
                index: index as usize,
                args: args.to_vec(),
                fuel,
                reply: Reply::Promise(deferred),
            };
            self.send(job);
            Ok(promise)
        })
    }

    /// Answers a `host` step with the host function's result slots (or its failure).
    #[napi(ts_return_type = "Promise<CallStep>")]
    pub fn resume<'e>(
        &self,
        env: &'e Env,
        slots: Buffer,
        failed: bool,
    ) -> napi::Result<napi::bindgen_prelude::Object<'e>> {
        entry(|| {
            let (deferred, promise) = env.create_deferred::<CallStep, StepResolver>()?;
            self.send(Job::Resume {
                slots: slots.to_vec(),
                failed,
                reply: Reply::Promise(deferred),
            });
            Ok(promise)
        })
    }

    /// Answers a `host` step like `resume`, then waits up to `wait_micros` (at most 10 ms) for
    /// the next step, blocking this thread: the step, or null if it takes longer (then
    /// `next_step` gives it as a promise). Saves the event loop's wake-up on calls that make
    /// host calls in quick succession.
    #[napi]
    pub fn resume_wait(
        &self,
        slots: Buffer,
        failed: bool,
        wait_micros: u32,
    ) -> napi::Result<Option<CallStep>> {
        entry(|| {
            let slot = Rendezvous::new();
            self.send(Job::Resume {
                slots: slots.to_vec(),
                failed,
                reply: Reply::Rendezvous(Arc::clone(&slot)),
            });
            let limit = std::time::Duration::from_micros(u64::from(wait_micros.min(10_000)));
            match slot.wait(limit) {
                Some(outcome) => Ok(Some(step_of(outcome))),
                None => {
                    *self.waiting.lock().unwrap_or_else(|p| p.into_inner()) = Some(slot);
                    Ok(None)
                }
            }
        })
    }

    /// The step `resume_wait` stopped waiting for, as a promise.
    #[napi(ts_return_type = "Promise<CallStep>")]
    pub fn next_step<'e>(&self, env: &'e Env) -> napi::Result<napi::bindgen_prelude::Object<'e>> {
        entry(|| {
            let (deferred, promise) = env.create_deferred::<CallStep, StepResolver>()?;
            let slot = self
                .waiting
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            match slot {
                Some(slot) => slot.promise(deferred),
                None => settle(
                    deferred,
                    Outcome::Failed(Failure::call(
                        "no step is pending: resume_wait gave it already",
                    )),
                ),
            }
            Ok(promise)
        })
    }

    /// A copy of `len` bytes of a wasm instance's linear memory. Only while no call runs or
    /// while the call waits for a host function.
    #[napi]
    pub fn read_memory(&self, offset: f64, len: f64, memory: Option<u32>) -> napi::Result<Buffer> {
        entry(|| {
            let state = self.wasm_state()?;
            let guard = state.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .read(memory.unwrap_or(0), offset as usize, len as usize)
                .map(Buffer::from)
                .map_err(failure_to_napi)
        })
    }

    /// Writes bytes into a wasm instance's linear memory (same rule as `read_memory`).
    #[napi]
    pub fn write_memory(
        &self,
        offset: f64,
        bytes: Buffer,
        memory: Option<u32>,
    ) -> napi::Result<()> {
        entry(|| {
            let state = self.wasm_state()?;
            let mut guard = state.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .write(memory.unwrap_or(0), offset as usize, &bytes)
                .map_err(failure_to_napi)
        })
    }

    /// The edge-profile counters of an instrumented wasm instance, little-endian u64s (same
    /// rule as `read_memory`: the code that writes them is not running).
    #[napi]
    pub fn read_profile_counters(&self) -> napi::Result<Buffer> {
        entry(|| {
            let state = self.wasm_state()?;
            let guard = state.lock().unwrap_or_else(|p| p.into_inner());
            Ok(Buffer::from(guard.profile_counter_bytes()))
        })
    }

    /// Bytes of a wasm instance's linear memory.
    #[napi]
    pub fn memory_size(&self, memory: Option<u32>) -> napi::Result<f64> {
        entry(|| {
            let state = self.wasm_state()?;
            let guard = state.lock().unwrap_or_else(|p| p.into_inner());
            Ok(guard.memory_size(memory.unwrap_or(0)) as f64)
        })
    }

    /// A handle on linear memory `memory` of a wasm instance, for another instance to import;
    /// it keeps the memory alive after this instance is disposed.
    #[napi]
    pub fn memory(&self, memory: u32) -> napi::Result<NativeMemory> {
        entry(|| {
            let state = self.wasm_state()?;
            let guard = state.lock().unwrap_or_else(|p| p.into_inner());
            let object = guard.memory_object(memory).map_err(failure_to_napi)?;
            Ok(NativeMemory { object })
        })
    }

    /// The low 64 bits of global `global`'s value, as a decimal string (for another instance's
    /// constant expressions that read it at instantiation). Same rule as `read_memory`.
    #[napi]
    pub fn global_bits(&self, global: u32) -> napi::Result<String> {
        entry(|| {
            let state = self.wasm_state()?;
            let guard = state.lock().unwrap_or_else(|p| p.into_inner());
            guard
                .global_bits(global)
                .map(|bits| bits.to_string())
                .ok_or_else(|| failure_to_napi(Failure::call(format!("no global {global}"))))
        })
    }

    /// A fuel checker bound to this instance's wasm thread.
    #[napi]
    pub fn checker(&self) -> napi::Result<FuelChecker> {
        entry(|| Ok(FuelChecker::new(Arc::clone(&self.store.handle))))
    }

    /// Ends the instance: a running call is interrupted (it fails with ModuleDisposedError),
    /// the wasm thread exits and frees the machine code. Idempotent.
    #[napi]
    pub fn dispose(&mut self) -> napi::Result<()> {
        entry(|| {
            self.end();
            Ok(())
        })
    }

    /// This instance's id in its store (host steps name the member whose import is called).
    #[napi(getter)]
    pub fn member(&self) -> napi::Result<u32> {
        entry(|| Ok(self.member as u32))
    }

    #[napi(getter)]
    pub fn disposed(&self) -> napi::Result<bool> {
        entry(|| Ok(self.jobs.is_none()))
    }

    /// Whether the wasm thread is still running.
    #[napi(getter)]
    pub fn thread_alive(&self) -> napi::Result<bool> {
        entry(|| {
            Ok(self
                .store
                .handle
                .thread
                .lock()
                .map(|g| g.is_some())
                .unwrap_or(false))
        })
    }
}

impl Drop for NativeInstance {
    /// Collected by the garbage collector, or finalized when its worker thread terminates:
    /// interrupt whatever the wasm thread still runs, so no thread is left spinning. Runs from
    /// napi's finalizer (a C callback), so a panic is caught here and dropped.
    fn drop(&mut self) {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.end()));
    }
}
