//! Compiling a module's functions on several threads, as Wasmtime does: each function is
//! independent until its code is placed, so `Context::compile` runs per function on a pool of
//! scoped threads, and the results are handed to the JIT module in the original order
//! (`define_function_bytes`), which keeps the code layout the same as a one-thread compile.

use crate::aot::codegen_failure;
use crate::clif_file::function_name;
use crate::code_registry::TrapSite;
use crate::errors::{Failure, NativeResult};
use cranelift_codegen::Context;
use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::TargetIsa;
use cranelift_module::{FuncId, ModuleReloc};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable that sets the number of compile threads (a positive integer; the
/// default is the number of cores, at most `MAX_THREADS`).
pub const THREADS_VARIABLE: &str = "SLACKFUEL_COMPILE_THREADS";
const MAX_THREADS: usize = 16;
/// Below this many CLIF instructions in all, threads cost more to start than they save.
const PARALLEL_MIN_INSTRUCTIONS: usize = 20_000;
/// Cranelift's passes recurse little, but a thread of Rust's default 2 MiB would be the one
/// place a large function could exhaust its stack; the wasm thread has more.
const THREAD_STACK: usize = 16 << 20;

/// One function's machine code and what the module and the trap handler need to place it.
pub struct CompiledFunction {
    pub bytes: Vec<u8>,
    pub alignment: u64,
    pub relocs: Vec<ModuleReloc>,
    /// Sorted by offset.
    pub traps: Vec<TrapSite>,
    /// `code_info().total_size`: the code plus its constant pool.
    pub total_size: u32,
}

/// The thread count: `SLACKFUEL_COMPILE_THREADS` if set, else the number of cores.
pub fn configured_threads() -> NativeResult<usize> {
    match std::env::var(THREADS_VARIABLE) {
        Ok(text) => match text.trim().parse::<usize>() {
            Ok(n) if (1..=MAX_THREADS * 16).contains(&n) => Ok(n),
            _ => Err(Failure::setting(
                THREADS_VARIABLE,
                format!(
                    "{THREADS_VARIABLE} must be a positive integer (at most {}), not {text:?}",
                    MAX_THREADS * 16
                ),
            )),
        },
        Err(_) => Ok(std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))),
    }
}

/// Compiles each function (already resolved against the module's ids) for `isa`; on several
/// threads when `threads` > 1 and the module is large enough. A failure names the first
/// failing function in input order, whatever the thread that met it.
pub fn compile_all(
    isa: &dyn TargetIsa,
    functions: &[Function],
    ids: &[FuncId],
    threads: usize,
) -> NativeResult<Vec<CompiledFunction>> {
    if ids.len() != functions.len() {
        return Err(Failure::call("compile_all: one id per function"));
    }
    let instructions: usize = functions.iter().map(|f| f.dfg.num_insts()).sum();
    let threads = if instructions < PARALLEL_MIN_INSTRUCTIONS {
        1
    } else {
        threads.min(functions.len())
    };
    if threads <= 1 {
        return functions
            .iter()
            .zip(ids)
            .map(|(f, id)| compile_one(isa, f, *id))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<NativeResult<CompiledFunction>>>> =
        functions.iter().map(|_| Mutex::new(None)).collect();
    let spawn_failure = std::thread::scope(|scope| {
        let worker = || {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let (Some(func), Some(id)) = (functions.get(index), ids.get(index)) else {
                    break;
                };
                let result = compile_one(isa, func, *id);
                let failed = result.is_err();
                *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                if failed {
                    // The others finish what they hold; nothing new starts.
                    next.store(functions.len(), Ordering::Relaxed);
                }
            }
        };
        let mut spawned = Vec::with_capacity(threads - 1);
        for _ in 1..threads {
            match std::thread::Builder::new()
                .name("slackfuel-compile".into())
                .stack_size(THREAD_STACK)
                .spawn_scoped(scope, worker)
            {
                Ok(handle) => spawned.push(handle),
                // Fewer threads than asked is still a complete compile: this one works too.
                Err(_) => break,
            }
        }
        worker();
        spawned
            .into_iter()
            .map(|h| h.join())
            .find(Result::is_err)
            .map(|_| ())
    });
    if spawn_failure.is_some() {
        return Err(Failure::call("a compile thread ended abnormally"));
    }
    // Indices are taken in increasing order, so every function before a failing one was
    // compiled, and one never taken comes after a failure: reading in order meets the failure
    // first, as a one-thread compile would.
    let mut compiled = Vec::with_capacity(functions.len());
    for slot in results {
        match slot.into_inner().unwrap_or_else(|p| p.into_inner()) {
            Some(Ok(code)) => compiled.push(code),
            Some(Err(failure)) => return Err(failure),
            None => return Err(Failure::call("a function was left uncompiled")),
        }
    }
    Ok(compiled)
}

/// One function, with a panic inside Cranelift turned into a compile error naming it.
fn compile_one(isa: &dyn TargetIsa, func: &Function, id: FuncId) -> NativeResult<CompiledFunction> {
    let name = function_name(func);
    catch_unwind(AssertUnwindSafe(|| {
        let mut ctx = Context::for_function(func.clone());
        ctx.compile(isa, &mut ControlPlane::default())
            .map_err(|e| codegen_failure(&name, e.inner, func))?;
        let Some(code) = ctx.compiled_code() else {
            return Err(Failure::compile(
                Some(name.clone()),
                format!("{name}: no code was produced"),
            ));
        };
        let mut traps: Vec<TrapSite> = code
            .buffer
            .traps()
            .iter()
            .map(|t| TrapSite {
                offset: t.offset,
                code: t.code.as_raw().get(),
            })
            .collect();
        traps.sort_by_key(|t| t.offset);
        let relocs = code
            .buffer
            .relocs()
            .iter()
            .map(|reloc| ModuleReloc::from_mach_reloc(reloc, &ctx.func, id))
            .collect();
        Ok(CompiledFunction {
            bytes: code.code_buffer().to_vec(),
            alignment: u64::from(code.buffer.alignment),
            relocs,
            traps,
            total_size: code.code_info().total_size,
        })
    }))
    .unwrap_or_else(|_| {
        Err(Failure::compile(
            Some(name.clone()),
            format!("{name}: Cranelift panicked while compiling it"),
        ))
    })
}
