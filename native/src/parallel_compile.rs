//! Work on a module's functions on several threads, as Wasmtime compiles: each function is
//! independent until its code is placed, so reading (clif_file::parse_functions), verifying and
//! `Context::compile` run per function (or per piece of text) on a pool of scoped threads
//! (`parallel_map`), and the code is handed to the JIT module in the original order
//! (`define_function_bytes`), which keeps the layout the same as a one-thread compile.

use crate::aot::codegen_failure;
use crate::clif_file::function_name;
use crate::code_registry::TrapSite;
use crate::errors::VerifierProblem;
use crate::errors::{Failure, NativeResult};
use crate::verify::verify_one;
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

/// `f` over `items` on up to `threads` threads (the calling one included), results in input
/// order. Items are taken in increasing index order; a panic in `f` is `on_panic(item)`.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    on_panic: impl Fn(&T) -> R + Sync,
) -> NativeResult<Vec<R>> {
    let run =
        |item: &T| catch_unwind(AssertUnwindSafe(|| f(item))).unwrap_or_else(|_| on_panic(item));
    let threads = threads.min(items.len());
    if threads <= 1 {
        return Ok(items.iter().map(run).collect());
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        let worker = || loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(index) else { break };
            let result = run(item);
            *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
        };
        for _ in 1..threads {
            // Fewer threads than asked still completes the work: the calling thread works too.
            if std::thread::Builder::new()
                .name("slackfuel-compile".into())
                .stack_size(THREAD_STACK)
                .spawn_scoped(scope, worker)
                .is_err()
            {
                break;
            }
        }
        worker();
    });
    results
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect::<Option<Vec<R>>>()
        .ok_or_else(|| Failure::call("a compile thread left work undone"))
}

/// Whether a module of `functions` is worth threads (see PARALLEL_MIN_INSTRUCTIONS).
pub fn threads_for(functions: &[Function], threads: usize) -> usize {
    let instructions: usize = functions.iter().map(|f| f.dfg.num_insts()).sum();
    if instructions < PARALLEL_MIN_INSTRUCTIONS {
        1
    } else {
        threads
    }
}

/// Compiles each function (already resolved against the module's ids, and verified if the
/// caller wants that: `isa` should not verify again) for `isa`, on `threads` threads. A failure
/// names the first failing function in input order, as a one-thread compile would.
pub fn compile_all(
    isa: &dyn TargetIsa,
    functions: &[Function],
    ids: &[FuncId],
    threads: usize,
) -> NativeResult<Vec<CompiledFunction>> {
    if ids.len() != functions.len() {
        return Err(Failure::call("compile_all: one id per function"));
    }
    let jobs: Vec<(&Function, FuncId)> = functions.iter().zip(ids.iter().copied()).collect();
    parallel_map(
        &jobs,
        threads_for(functions, threads),
        |(func, id)| compile_one(isa, func, *id),
        |(func, _)| {
            let name = function_name(func);
            Err(Failure::compile(
                Some(name.clone()),
                format!("{name}: Cranelift panicked while compiling it"),
            ))
        },
    )?
    .into_iter()
    .collect()
}

/// The verifier's problems in every function, in input order, on `threads` threads.
pub fn verify_all(functions: &[Function], isa: &dyn TargetIsa, threads: usize) -> NativeResult<()> {
    let problems: Vec<VerifierProblem> = parallel_map(
        functions,
        threads_for(functions, threads),
        |func| verify_one(func, isa),
        |func| {
            vec![VerifierProblem {
                function: function_name(func),
                location: String::new(),
                instruction: None,
                message: "the verifier panicked".into(),
            }]
        },
    )?
    .into_iter()
    .flatten()
    .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::verifier(problems))
    }
}

/// One function's machine code.
fn compile_one(isa: &dyn TargetIsa, func: &Function, id: FuncId) -> NativeResult<CompiledFunction> {
    let name = function_name(func);
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
}
