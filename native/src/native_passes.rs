//! The napi entry of the Rust fuel passes: CLIF text and a pipeline in, each function put
//! through the passes and printed by Cranelift's writer out, with the time the passes alone took
//! (parse and print excluded) so benchmarks measure the passes, not the text.

use std::time::Instant;

use crate::clif_file;
use crate::errors::{Failure, NativeResult};
use crate::fuel_passes::{NativePass, parse_pipeline, run_passes};

#[napi_derive::napi(object)]
pub struct NativePassesOutput {
    /// Each function after the passes, as Cranelift prints it.
    pub functions: Vec<String>,
    /// Milliseconds spent in the passes (all functions together).
    pub pass_ms: f64,
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
    for (func, _) in file.functions {
        let mut func = func;
        let started = Instant::now();
        let outcome = run_passes(&mut func, &passes);
        pass_ms += started.elapsed().as_secs_f64() * 1000.0;
        outcome.map_err(|(pass, e)| Failure::fuel_pass(pass, &clif_file::function_name(&func), e))?;
        functions.push(func.display().to_string());
    }
    Ok(NativePassesOutput { functions, pass_ms })
}
