//! The targets a runtest file asks to run on. As in Cranelift's reader, each `target` line takes
//! every `set` line written above it (a later one wins), so one file can run its
//! functions under several flag sets and ISA feature sets. As in Cranelift's runtest, a target
//! runs only when the host can run it: same architecture, and every ISA feature the line turns
//! on (`has_avx`, `has_lse`, ...) present on this CPU; the others are skipped with the reason.

use crate::clif_file;
use crate::errors::{Failure, NativeResult};
use crate::settings::host_isa_name;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::settings::{self, Flags, Value};
use cranelift_reader::{IsaSpec, ParseOptions, parse_test};

#[napi_derive::napi(object)]
pub struct RunTarget {
    /// The index to pass to `jit` (the target line's position among the file's targets).
    pub index: u32,
    /// The architecture and the settings that differ from a bare `target` line, e.g.
    /// `x86_64 opt_level=speed has_avx`; `host` when the file names no target.
    pub description: String,
    /// Why the host cannot run it, when it cannot.
    pub skip: Option<String>,
}

/// `name=value`, or just `name` for a boolean turned on.
fn setting_text(value: &Value) -> String {
    match value.as_bool() {
        Some(true) => value.name.to_string(),
        _ => format!("{}={}", value.name, value.value_string()),
    }
}

/// The settings of `values` that differ from `defaults` (matched by name).
fn differing(values: &[Value], defaults: &[Value]) -> Vec<String> {
    values
        .iter()
        .filter(|v| {
            defaults
                .iter()
                .find(|d| d.name == v.name)
                .is_none_or(|d| d.value_string() != v.value_string())
        })
        .map(setting_text)
        .collect()
}

/// What a bare `target ARCH` line gives, read the way the file was read.
fn bare_target(arch: &str) -> Option<(Flags, Vec<Value>)> {
    let text = format!("target {arch}\n");
    let file = parse_test(&text, ParseOptions::default()).ok()?;
    match file.isa_spec {
        IsaSpec::Some(isas) => isas
            .first()
            .map(|isa| (isa.flags().clone(), isa.isa_flags())),
        IsaSpec::None(_) => None,
    }
}

/// The ISA this machine's CPU supports, with its features detected (what the JIT builds on).
fn host_isa() -> NativeResult<cranelift_codegen::isa::OwnedTargetIsa> {
    let builder = cranelift_native::builder()
        .map_err(|e| Failure::setting("isa", format!("no JIT for this host: {e}")))?;
    builder
        .finish(Flags::new(settings::builder()))
        .map_err(|e| Failure::setting("isa", format!("cannot build the host ISA: {e}")))
}

/// Cranelift runtest's compatibility rule: the same architecture, and no ISA feature turned on
/// that the host lacks.
fn skip_reason(host: &dyn TargetIsa, requested: &dyn TargetIsa) -> Option<String> {
    let (host_arch, wanted) = (host.triple().architecture, requested.triple().architecture);
    if host_arch != wanted {
        return Some(format!("this host ({host_arch}) cannot run {wanted} code"));
    }
    let host_flags = host.isa_flags();
    let missing: Vec<&str> = requested
        .isa_flags()
        .iter()
        .filter(|flag| flag.as_bool() == Some(true))
        .filter(|flag| {
            host_flags
                .iter()
                .find(|h| h.name == flag.name)
                .and_then(|h| h.as_bool())
                != Some(true)
        })
        .map(|flag| flag.name)
        .collect();
    (!missing.is_empty()).then(|| format!("the CPU lacks {}", missing.join(", ")))
}

pub fn run_targets(text: &str) -> NativeResult<Vec<RunTarget>> {
    let disabled = clif_file::disabled_targets(text);
    let readable = clif_file::readable(text);
    let file = clif_file::parse(&readable)?;
    let isas = match &file.isa_spec {
        // Only targets whose backend is not built: nothing runs (not even on the host).
        IsaSpec::None(_) if !disabled.is_empty() => {
            return Ok(disabled
                .into_iter()
                .map(|(arch, _)| not_built(arch))
                .collect());
        }
        IsaSpec::None(_) => {
            let skip = host_isa_name()
                .is_none()
                .then(|| "the JIT does not support this host".to_string());
            return Ok(vec![RunTarget {
                index: 0,
                description: "host".to_string(),
                skip,
            }]);
        }
        IsaSpec::Some(isas) => isas,
    };
    let host = host_isa()?;
    let mut targets = Vec::with_capacity(isas.len());
    let mut disabled = disabled.into_iter().peekable();
    for (index, isa) in isas.iter().enumerate() {
        // Target lines the reader dropped (their backend is not built) before this one.
        while let Some((_, position)) = disabled.peek()
            && *position <= index
        {
            if let Some((arch, _)) = disabled.next() {
                targets.push(not_built(arch));
            }
        }
        let arch = isa.triple().architecture.to_string();
        let mut words = vec![arch.clone()];
        if let Some((flags, isa_flags)) = bare_target(&arch) {
            let shared: Vec<Value> = isa.flags().iter().collect();
            let defaults: Vec<Value> = flags.iter().collect();
            words.extend(differing(&shared, &defaults));
            words.extend(differing(&isa.isa_flags(), &isa_flags));
        }
        targets.push(RunTarget {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            description: words.join(" "),
            skip: skip_reason(&*host, &**isa),
        });
    }
    targets.extend(disabled.map(|(arch, _)| not_built(arch)));
    Ok(targets)
}

/// A target whose backend this build leaves out (only x86_64 and aarch64 are built).
fn not_built(arch: String) -> RunTarget {
    RunTarget {
        index: u32::MAX,
        skip: Some(format!("support for {arch} is not built into slackfuel")),
        description: arch,
    }
}
