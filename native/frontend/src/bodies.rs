//! The function bodies, translated on several threads. Once the module's metadata is known the
//! bodies are independent (as in Wasmtime's parallel compile), so each thread takes the next
//! untranslated body until none is left. The texts keep the module's order, and the error
//! reported is the first in that order, so the result is what one thread gives.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use wasmparser::{FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};

use crate::error::TranslateError;
use crate::func;
use crate::module::ModuleInfo;
use crate::options::TranslateOptions;

/// At most this many threads, whatever the machine has.
const MAX_THREADS: usize = 8;
/// Fewer bodies than this are translated on the calling thread (a thread's start costs more).
const MIN_BODIES_PER_THREAD: usize = 8;

type Body<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// How many threads translate `bodies` bodies under `options.threads`.
fn thread_count(options: &TranslateOptions, bodies: usize) -> usize {
    let wanted = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS)),
        n => usize::try_from(n).unwrap_or(MAX_THREADS).min(MAX_THREADS),
    };
    wanted.min(bodies / MIN_BODIES_PER_THREAD).max(1)
}

/// Validates and translates every body, each rewritten by `rewrite` before it is printed.
pub(crate) fn translate_bodies(
    info: &ModuleInfo,
    options: &TranslateOptions,
    bodies: Vec<Body<'_>>,
    rewrite: Option<&crate::FunctionRewrite<'_>>,
) -> Result<Vec<String>, TranslateError> {
    let first = info.num_imported_functions;
    let index_of = |i: usize| first + u32::try_from(i).unwrap_or(u32::MAX);
    let threads = thread_count(options, bodies.len());
    if threads == 1 {
        let mut ctx = cranelift_frontend::FunctionBuilderContext::new();
        let mut allocs = FuncValidatorAllocations::default();
        let mut texts = Vec::with_capacity(bodies.len());
        for (i, (to_validate, body)) in bodies.into_iter().enumerate() {
            let mut validator = to_validate.into_validator(allocs);
            let text = func::translate_function(
                info,
                options,
                index_of(i),
                &body,
                &mut validator,
                &mut ctx,
                rewrite,
            )?;
            allocs = validator.into_allocations();
            texts.push(text);
        }
        return Ok(texts);
    }

    // Each body is taken once: its slot is emptied by the thread that claims its number.
    let count = bodies.len();
    let work: Vec<Mutex<Option<Body<'_>>>> =
        bodies.into_iter().map(|b| Mutex::new(Some(b))).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Vec<Mutex<Option<Result<String, TranslateError>>>> =
        (0..count).map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut ctx = cranelift_frontend::FunctionBuilderContext::new();
                let mut allocs = FuncValidatorAllocations::default();
                // Numbers are claimed in increasing order, so when a body fails every lower one
                // is already claimed and finishes: the first error in module order is found.
                while !failed.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let taken = work[i].lock().ok().and_then(|mut slot| slot.take());
                    let Some((to_validate, body)) = taken else {
                        continue;
                    };
                    let mut validator = to_validate.into_validator(allocs);
                    let outcome = func::translate_function(
                        info,
                        options,
                        index_of(i),
                        &body,
                        &mut validator,
                        &mut ctx,
                        rewrite,
                    );
                    allocs = validator.into_allocations();
                    if outcome.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    let mut texts = Vec::with_capacity(count);
    for (i, slot) in results.into_iter().enumerate() {
        match slot.into_inner().ok().flatten() {
            Some(Ok(text)) => texts.push(text),
            Some(Err(e)) => return Err(e),
            // Reached only after an earlier body failed, which returned above.
            None => {
                return Err(TranslateError::Rewrite {
                    message: format!(
                        "internal error: function {} was not translated",
                        index_of(i)
                    ),
                    index: index_of(i),
                });
            }
        }
    }
    Ok(texts)
}
