//! The napi entry of the Rust fuel passes: CLIF text and a pipeline in, each function put
//! through the passes and printed by Cranelift's writer out, with the time the passes alone took
//! (parse and print excluded) so benchmarks measure the passes, not the text.

use std::sync::Mutex;
use std::time::Instant;

use crate::clif_file;
use crate::errors::{Failure, NativeResult};
use crate::fuel_passes::{NativePass, PassStats, parse_pipeline, run_passes};
use slackfuel_frontend::{TranslateError, TranslateOptions};

#[napi_derive::napi(object)]
pub struct NativePassesOutput {
    /// Each function after the passes, as Cranelift prints it.
    pub functions: Vec<String>,
    /// Milliseconds spent in the passes (all functions together).
    pub pass_ms: f64,
    /// CPU milliseconds of this thread in the passes (steadier than `pass_ms` when others load
    /// the machine); absent where the thread CPU clock is not available.
    pub pass_cpu_ms: Option<f64>,
    /// Increments moved to the pinned register.
    pub increments: u32,
    /// Observed calls wrapped in a store and a reload.
    pub flushed_calls: u32,
    /// Checks removed.
    pub dropped_checks: u32,
}

/// The passes of `pipeline`, or an `InvalidOptions`-like failure naming the unknown pass.
pub fn passes_of(pipeline: &str) -> NativeResult<Vec<NativePass>> {
    parse_pipeline(pipeline).map_err(|message| Failure::FuelPassError {
        message,
        pass: None,
        location: None,
        function: None,
    })
}

/// Runs `pipeline` on every function of `text`.
pub fn run_on_text(text: &str, pipeline: &str) -> NativeResult<NativePassesOutput> {
    let passes = passes_of(pipeline)?;
    let text = clif_file::readable(text);
    let file = clif_file::parse(&text)?;
    let mut functions = Vec::with_capacity(file.functions.len());
    let mut pass_ms = 0.0;
    let mut pass_cpu_ms = Some(0.0);
    let mut stats = PassStats::default();
    for (func, _) in file.functions {
        let mut func = func;
        let started = Instant::now();
        let cpu_started = thread_cpu_ms();
        let outcome = run_passes(&mut func, &passes, &mut stats);
        pass_cpu_ms = match (pass_cpu_ms, cpu_started, thread_cpu_ms()) {
            (Some(sum), Some(a), Some(b)) => Some(sum + (b - a)),
            _ => None,
        };
        pass_ms += started.elapsed().as_secs_f64() * 1000.0;
        outcome
            .map_err(|(pass, e)| Failure::fuel_pass(pass, &clif_file::function_name(&func), e))?;
        functions.push(func.display().to_string());
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(NativePassesOutput {
        functions,
        pass_ms,
        pass_cpu_ms,
        increments: count(stats.increments),
        flushed_calls: count(stats.flushed_calls),
        dropped_checks: count(stats.dropped_checks),
    })
}

/// Translates `wasm` with the passes of `pipeline` run on each function before it is printed
/// (no text round trip); the module JSON, its `rewriteMicros` the passes' time.
pub fn translate_with_passes(
    wasm: &[u8],
    options: &TranslateOptions,
    pipeline: &str,
) -> NativeResult<String> {
    let passes = passes_of(pipeline)?;
    // The front end only carries a message; the typed failures are kept here, by function
    // index (functions are rewritten on several threads), and the reported one returned.
    let refused: Mutex<Vec<(u32, Failure)>> = Mutex::new(Vec::new());
    let rewrite = |index: u32, func: &mut cranelift_codegen::ir::Function| {
        let mut stats = PassStats::default();
        run_passes(func, &passes, &mut stats).map_err(|(pass, e)| {
            let failure = Failure::fuel_pass(pass, &clif_file::function_name(func), e);
            let message = failure.message();
            if let Ok(mut list) = refused.lock() {
                list.push((index, failure));
            }
            message
        })
    };
    let outcome = slackfuel_frontend::translate_rewriting(wasm, options, &rewrite);
    let mut refused = refused.into_inner().unwrap_or_default();
    match outcome {
        Ok(module) => Ok(module.to_json()),
        Err(TranslateError::Rewrite { index, message }) => {
            match refused.iter().position(|(i, _)| *i == index) {
                Some(k) => Err(refused.swap_remove(k).1),
                None => Err(TranslateError::Rewrite { index, message }.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// CPU time of the calling thread in milliseconds, if the platform has a thread CPU clock.
pub(crate) fn thread_cpu_ms() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a live, writable timespec for the whole call, which is all
    // clock_gettime writes to; an unsupported clock id only makes it return -1.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6)
}

/// The passes on a CLIF file named by `SLACKFUEL_PASSES_FILE`, for counting their instructions
/// with a tool such as callgrind (`cargo test --release --lib passes_on_a_file -- --ignored`
/// under `valgrind --tool=callgrind`): a deterministic measure on a shared, noisy machine.
#[cfg(test)]
mod instruction_count {
    use super::run_on_text;

    #[test]
    #[ignore = "a measurement harness: needs SLACKFUEL_PASSES_FILE"]
    fn passes_on_a_file() {
        let Some(path) = std::env::var_os("SLACKFUEL_PASSES_FILE") else {
            return;
        };
        let text = std::fs::read_to_string(path).expect("the CLIF file reads");
        let pipeline = std::env::var("SLACKFUEL_PASSES")
            .unwrap_or_else(|_| "fuel-pinned,fuel-drop-checks,fuel-place".into());
        let out = run_on_text(&text, &pipeline).expect("the passes run");
        assert!(!out.functions.is_empty());
    }
}
