//! Turning a CLIF file's `set`/`target` lines plus caller-supplied settings into Cranelift flags
//! and a target ISA. Caller settings win over the file's; unknown names and bad values are
//! `SettingError`s rather than silently ignored.

use crate::errors::{Failure, NativeResult};
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable, Flags, SetError};
use cranelift_reader::IsaSpec;
use std::str::FromStr;
use target_lexicon::Triple;

/// One `name=value` setting from the caller (booleans arrive as "true"/"false").
#[napi_derive::napi(object)]
#[derive(Clone, Debug)]
pub struct Setting {
    pub name: String,
    pub value: String,
}

/// The ISAs we compile for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IsaName {
    X86_64,
    Aarch64,
}

impl IsaName {
    pub fn parse(name: &str) -> NativeResult<Self> {
        match name {
            "x86_64" => Ok(IsaName::X86_64),
            "aarch64" => Ok(IsaName::Aarch64),
            other => Err(Failure::setting(
                "isa",
                format!("unknown ISA '{other}' (expected x86_64 or aarch64)"),
            )),
        }
    }

    fn triple(self) -> &'static str {
        match self {
            IsaName::X86_64 => "x86_64-unknown-linux-gnu",
            IsaName::Aarch64 => "aarch64-unknown-linux-gnu",
        }
    }

    fn architecture_prefix(self) -> &'static str {
        match self {
            IsaName::X86_64 => "x86_64",
            IsaName::Aarch64 => "aarch64",
        }
    }
}

fn describe(error: &SetError, name: &str, value: &str) -> Failure {
    match error {
        SetError::BadName(_) => Failure::setting(name, format!("unknown setting '{name}'")),
        SetError::BadType => Failure::setting(
            name,
            format!("setting '{name}' cannot take the value '{value}' (wrong type)"),
        ),
        SetError::BadValue(expected) => Failure::setting(
            name,
            format!("bad value '{value}' for setting '{name}': expected {expected}"),
        ),
    }
}

/// Shared (ISA-independent) flags the file declared with `set` lines, as a builder.
fn shared_builder_from(file_flags: &Flags) -> settings::Builder {
    let mut builder = settings::builder();
    for value in file_flags.iter() {
        // Every name comes from the same template, so this cannot fail; ignore rather than panic.
        let _ = builder.set(value.name, &value.value_string());
    }
    builder
}

/// The shared flags of the file's target `index`: as in Cranelift's reader, each `target` line
/// takes the `set` lines written before it.
fn target_flags(spec: &IsaSpec, index: usize) -> Flags {
    match spec {
        IsaSpec::None(flags) => flags.clone(),
        IsaSpec::Some(isas) => match isas.get(index) {
            Some(isa) => isa.flags().clone(),
            None => Flags::new(settings::builder()),
        },
    }
}

/// Where the ISA builder comes from.
pub enum Target {
    /// A named ISA, for ahead-of-time compiling (possibly a cross target).
    Named(IsaName),
    /// The machine we run on, with its CPU features detected, for the JIT.
    Host,
}

/// Builds the target ISA: file settings, then `forced` (what the consumer needs), then the
/// caller's settings. A caller setting unknown to both the shared and the ISA-specific flag sets
/// is an error.
pub fn build_isa(
    target: Target,
    spec: &IsaSpec,
    forced: &[(&str, &str)],
    user: &[Setting],
) -> NativeResult<OwnedTargetIsa> {
    build_isa_for_target(target, spec, 0, forced, user)
}

/// Like `build_isa`, with the settings of the file's target line `index` (0 when it has none).
pub fn build_isa_for_target(
    target: Target,
    spec: &IsaSpec,
    index: usize,
    forced: &[(&str, &str)],
    user: &[Setting],
) -> NativeResult<OwnedTargetIsa> {
    let mut isa_builder = match target {
        Target::Named(name) => {
            let triple = Triple::from_str(name.triple())
                .map_err(|e| Failure::setting("isa", format!("bad triple: {e}")))?;
            isa::lookup(triple).map_err(|e| Failure::setting("isa", format!("{e}")))?
        }
        Target::Host => cranelift_native::builder()
            .map_err(|e| Failure::setting("isa", format!("no JIT for this host: {e}")))?,
    };
    let mut shared = shared_builder_from(&target_flags(spec, index));

    // ISA-specific flags from a `target` line apply when the file targets the same architecture.
    if let IsaSpec::Some(isas) = spec
        && let Some(file_isa) = isas.get(index)
        && isa_builder.triple().architecture == file_isa.triple().architecture
    {
        for value in file_isa.isa_flags() {
            // Names come from the same ISA's template, so setting them cannot fail.
            let _ = isa_builder.set(value.name, &value.value_string());
        }
    }

    for (name, value) in forced {
        shared
            .set(name, value)
            .map_err(|e| describe(&e, name, value))?;
    }
    for setting in user {
        match shared.set(&setting.name, &setting.value) {
            Ok(()) => {}
            Err(SetError::BadName(_)) => isa_builder
                .set(&setting.name, &setting.value)
                .map_err(|e| describe(&e, &setting.name, &setting.value))?,
            Err(other) => return Err(describe(&other, &setting.name, &setting.value)),
        }
    }
    isa_builder
        .finish(Flags::new(shared))
        .map_err(|e| Failure::setting("isa", format!("cannot build the ISA: {e}")))
}

/// The host architecture as our ISA name, if it is one we support.
pub fn host_isa_name() -> Option<IsaName> {
    let host = Triple::host().architecture.to_string();
    [IsaName::X86_64, IsaName::Aarch64]
        .into_iter()
        .find(|name| host.starts_with(name.architecture_prefix()))
}
