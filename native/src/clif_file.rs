//! Reading CLIF text with cranelift-reader: functions, their attached comments, and the
//! file's `set`/`target` lines. Syntax errors become `ClifSyntaxError`s.

use crate::errors::{Failure, NativeResult};
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa;
use cranelift_reader::{ParseOptions, TestFile, parse_test};
use std::borrow::Cow;
use std::str::FromStr;
use target_lexicon::Triple;

/// Parses a whole CLIF file (any number of functions, optional header lines). Pass the text
/// through `readable` first.
pub fn parse(text: &str) -> NativeResult<TestFile<'_>> {
    // Cranelift's defaults (functions without a calling convention are `fast`), so the canonical
    // printout matches what clif-util and the filetests produce.
    parse_test(text, ParseOptions::default()).map_err(|e| Failure::ClifSyntaxError {
        message: format!("line {}: {}", e.location.line_number, e.message),
        line: e.location.line_number,
    })
}

/// The text as a Cranelift with every backend built would read it. Our build has only the
/// x86_64 and aarch64 backends; cranelift-reader skips a `target` line whose backend is not
/// built before it resets its dangling-`set` check, so `target x86_64`, `set ...`,
/// `target riscv64gc` would be refused ("dangling 'set' command"), where Cranelift proper
/// applies that `set` to the riscv64 target. Such target lines, and the `set` lines after the
/// last built target that only they would have taken, become comments of the same length (so
/// lines and byte offsets stay those of the original). `disabled_targets` lists them.
pub fn readable(text: &str) -> Cow<'_, str> {
    let header = header_lines(text);
    let disabled: Vec<usize> = header
        .iter()
        .filter(|(_, line)| target_not_built(line).is_some())
        .map(|(index, _)| *index)
        .collect();
    let Some(&last_disabled) = disabled.last() else {
        return Cow::Borrowed(text);
    };
    let last_built = header
        .iter()
        .filter(|(_, line)| line.starts_with("target ") && target_not_built(line).is_none())
        .map(|(index, _)| *index)
        .next_back();
    let orphaned = |index: usize, line: &str| {
        line.starts_with("set ") && index < last_disabled && last_built.is_none_or(|b| index > b)
    };
    let out: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| {
            let trimmed = line.trim_start();
            if disabled.contains(&index) || orphaned(index, trimmed) {
                // Same length: a `;` in place of the first character of the command.
                let indent = line.len() - trimmed.len();
                let rest = trimmed.get(1..).unwrap_or("");
                format!("{};{rest}", &line[..indent])
            } else {
                line.to_string()
            }
        })
        .collect();
    Cow::Owned(out.join("\n"))
}

/// The architectures of the `target` lines `readable` turned into comments, in order, each with
/// the number of built targets before it.
pub fn disabled_targets(text: &str) -> Vec<(String, usize)> {
    let mut built = 0;
    let mut dropped = Vec::new();
    for (_, line) in header_lines(text) {
        match target_not_built(line) {
            Some(arch) => dropped.push((arch, built)),
            None if line.starts_with("target ") => built += 1,
            None => {}
        }
    }
    dropped
}

/// The lines before the first function (where `test`, `set` and `target` lines live), trimmed,
/// with their 0-based line numbers.
fn header_lines(text: &str) -> Vec<(usize, &str)> {
    text.split('\n')
        .map(str::trim)
        .enumerate()
        .take_while(|(_, line)| !line.starts_with("function"))
        .collect()
}

/// For a `target` line whose backend this build leaves out, its architecture.
fn target_not_built(line: &str) -> Option<String> {
    let name = line.strip_prefix("target ")?.split_whitespace().next()?;
    let triple = Triple::from_str(name).ok()?;
    match isa::lookup(triple) {
        Err(isa::LookupError::SupportDisabled) => {
            Some(name.split('-').next().unwrap_or(name).to_string())
        }
        _ => None,
    }
}

/// The name Cranelift prints for a function: `%name` or `u0:1`.
pub fn function_name(func: &Function) -> String {
    func.name.to_string()
}
