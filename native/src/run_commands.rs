//! The `; run:` and `; print:` commands written after CLIF functions, parsed with
//! cranelift-reader's own run-command parser. Values come out as raw little-endian bytes plus
//! Cranelift's display text, so the facade can compare results bit for bit as Cranelift does.

use crate::clif_file::{self, function_name};
use crate::errors::{Failure, NativeResult};
use cranelift_codegen::data_value::{DataValue, DisplayDataValues};
use cranelift_codegen::ir::{Type, types};
use cranelift_reader::{Comparison, RunCommand, parse_run_command};
use napi::bindgen_prelude::Buffer;

#[napi_derive::napi(object)]
pub struct RunValue {
    /// Cranelift type name (`i32`, `f64`, ...).
    pub ty: String,
    /// Little-endian bytes, as many as the type is wide.
    pub bytes: Buffer,
    /// As Cranelift prints the value.
    pub display: String,
}

#[napi_derive::napi(object)]
pub struct RunCheck {
    /// The function the comment is attached to.
    pub function: String,
    /// 1-based line of the comment in the file.
    pub line: u32,
    /// The command as Cranelift prints it, e.g. `run: %f(1, 2) == 3`.
    pub text: String,
    /// `run` (compare) or `print` (show the results).
    pub kind: String,
    /// The function to invoke, as `%name`.
    pub invoke: String,
    pub args: Vec<RunValue>,
    /// `==` or `!=` for `run`; absent for `print`.
    pub comparison: Option<String>,
    pub expected: Vec<RunValue>,
}

fn value(v: &DataValue) -> RunValue {
    let mut bytes = vec![0u8; v.ty().bytes() as usize];
    v.write_to_slice_le(&mut bytes);
    RunValue {
        ty: v.ty().to_string(),
        bytes: bytes.into(),
        display: v.to_string(),
    }
}

fn line_of(text: &str, fragment: &str) -> u32 {
    let offset = (fragment.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let prefix = text.get(..offset.min(text.len())).unwrap_or("");
    u32::try_from(prefix.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

pub fn run_commands(text: &str) -> NativeResult<Vec<RunCheck>> {
    let text = clif_file::readable(text);
    let file = clif_file::parse(&text)?;
    let mut checks = Vec::new();
    for (func, details) in &file.functions {
        for comment in &details.comments {
            let line = line_of(&text, comment.text);
            let parsed = parse_run_command(comment.text, &func.signature).map_err(|e| {
                Failure::ClifSyntaxError {
                    message: format!("line {line}: {}", e.message),
                    line: line as usize,
                }
            })?;
            let Some(command) = parsed else { continue };
            let check_text = command.to_string();
            let (invocation, comparison, expected) = match &command {
                RunCommand::Print(invocation) => (invocation, None, Vec::new()),
                RunCommand::Run(invocation, comparison, expected) => {
                    let op = match comparison {
                        Comparison::Equals => "==",
                        Comparison::NotEquals => "!=",
                    };
                    (
                        invocation,
                        Some(op.to_string()),
                        expected.iter().map(value).collect(),
                    )
                }
            };
            checks.push(RunCheck {
                function: function_name(func),
                line,
                text: check_text,
                kind: if comparison.is_some() { "run" } else { "print" }.to_string(),
                invoke: format!("%{}", invocation.func),
                args: invocation.args.iter().map(value).collect(),
                comparison,
                expected,
            });
        }
    }
    Ok(checks)
}

/// The CLIF type named `name`, if a run value can have it (scalars and vectors of up to 16 bytes).
fn slot_type(name: &str) -> Option<Type> {
    let lanes = [
        types::I8,
        types::I16,
        types::I32,
        types::I64,
        types::I128,
        types::F16,
        types::F32,
        types::F64,
        types::F128,
    ];
    lanes
        .iter()
        .flat_map(|&lane| {
            [1u32, 2, 4, 8, 16]
                .into_iter()
                .filter_map(move |n| lane.by(n))
        })
        .find(|ty| ty.bytes() as usize <= crate::jit::SLOT_BYTES && ty.to_string() == name)
}

/// Results in 16-byte slots, displayed as Cranelift's runtest displays them (`DisplayDataValues`:
/// one value alone, several in brackets; vectors in hex).
pub fn display_values(type_names: &[String], slots: &[u8]) -> NativeResult<String> {
    let mut values = Vec::with_capacity(type_names.len());
    for (i, name) in type_names.iter().enumerate() {
        let ty = slot_type(name)
            .ok_or_else(|| Failure::call(format!("cannot display a value of type {name}")))?;
        let slot = slots
            .get(i * crate::jit::SLOT_BYTES..(i + 1) * crate::jit::SLOT_BYTES)
            .ok_or_else(|| {
                Failure::call(format!(
                    "no slot for value {} of {}",
                    i + 1,
                    type_names.len()
                ))
            })?;
        values.push(DataValue::read_from_slice_le(slot, ty));
    }
    Ok(DisplayDataValues(&values).to_string())
}
