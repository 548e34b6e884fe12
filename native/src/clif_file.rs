//! Reading CLIF text with cranelift-reader: functions, their attached comments, and the
//! file's `set`/`target` lines. Syntax errors become `ClifSyntaxError`s.

use crate::errors::{Failure, NativeResult};
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa;
use cranelift_reader::{IsaSpec, ParseOptions, TestFile, parse_test};
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

/// Below this much text a file is parsed in one piece: splitting it would not pay.
const SPLIT_PARSE_MIN_BYTES: usize = 1 << 20;

/// The file's target lines and its functions, as `parse` reads them, but a large file is cut
/// at its `function` lines into pieces parsed on `threads` threads (each piece after the
/// file's header, so each sees the same `set`/`target` lines). A syntax error reports the line
/// of the whole file, and the first one in the file, as `parse` would. Comments are dropped.
pub fn parse_functions(text: &str, threads: usize) -> NativeResult<(IsaSpec, Vec<Function>)> {
    let starts = function_starts(text);
    if threads <= 1 || text.len() < SPLIT_PARSE_MIN_BYTES || starts.len() < 2 {
        let file = parse(text)?;
        return Ok((
            file.isa_spec,
            file.functions.into_iter().map(|(f, _)| f).collect(),
        ));
    }
    let header = &text[..starts[0]];
    if header.contains("function") {
        // An indented function before the first one at a line start: not cut.
        let file = parse(text)?;
        return Ok((
            file.isa_spec,
            file.functions.into_iter().map(|(f, _)| f).collect(),
        ));
    }
    let header_lines = header.matches('\n').count();
    // A few pieces per thread, of about equal size, each a run of whole functions.
    let pieces = threads * 4;
    let target = text.len() / pieces + 1;
    let mut bounds = vec![starts[0]];
    for &s in &starts[1..] {
        if s - bounds[bounds.len() - 1] >= target {
            bounds.push(s);
        }
    }
    bounds.push(text.len());
    let ranges: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parsed = crate::parallel_compile::parallel_map(
        &ranges,
        threads,
        |&(from, to)| {
            let piece = format!("{header}{}", &text[from..to]);
            parse(&piece)
                .map(|file| {
                    (
                        file.isa_spec,
                        file.functions
                            .into_iter()
                            .map(|(f, _)| f)
                            .collect::<Vec<_>>(),
                    )
                })
                .map_err(|e| match e {
                    // Lines of the piece past the header are lines of the file from `from`.
                    Failure::ClifSyntaxError { message, line } if line > header_lines => {
                        let file_line = line - header_lines + text[..from].matches('\n').count();
                        Failure::ClifSyntaxError {
                            message: message.replacen(
                                &format!("line {line}:"),
                                &format!("line {file_line}:"),
                                1,
                            ),
                            line: file_line,
                        }
                    }
                    other => other,
                })
        },
        |_| Err(Failure::call("the CLIF reader panicked")),
    )?;
    let mut isa_spec = None;
    let mut functions = Vec::with_capacity(starts.len());
    for piece in parsed {
        let (spec, funcs) = piece?;
        isa_spec.get_or_insert(spec);
        functions.extend(funcs);
    }
    let isa_spec = isa_spec.ok_or_else(|| Failure::call("a CLIF file cut into no pieces"))?;
    Ok((isa_spec, functions))
}

/// Byte offsets of the lines that begin with `function` (where the reader starts a function).
fn function_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("function") {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}
