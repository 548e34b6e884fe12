//! Failures that cross into JavaScript. Each one is thrown as a JS `Error` whose message is
//! `ERROR_MARKER` followed by a JSON object with a `kind`; the TypeScript facade turns it into
//! the matching typed error class (src/runtime/errors.ts).

use serde::Serialize;
use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Prefix of every structured error message; the facade recognises it.
pub const ERROR_MARKER: &str = "slackfuel-native-error:";

/// One verifier complaint.
#[napi_derive::napi(object)]
#[derive(Serialize, Debug, Clone)]
pub struct VerifierProblem {
    /// The function as Cranelift names it (`%f`, `u0:1`).
    pub function: String,
    /// The entity the verifier points at (`inst3`, `block1`, ...).
    pub location: String,
    /// The offending instruction as Cranelift prints it, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instruction: Option<String>,
    pub message: String,
}

#[derive(Serialize, Debug, Clone)]
#[serde(tag = "kind")]
pub enum Failure {
    ClifSyntaxError {
        message: String,
        line: usize,
    },
    VerifierError {
        message: String,
        errors: Vec<VerifierProblem>,
    },
    SettingError {
        message: String,
        setting: String,
    },
    CompileError {
        message: String,
        function: Option<String>,
    },
    NativePanic {
        message: String,
    },
    /// fuel-place refused a function (not a shape it can re-place safely).
    FuelPlaceError {
        message: String,
        function: String,
    },
    #[serde(rename_all = "camelCase")]
    Trap {
        message: String,
        trap_code: String,
        function: Option<String>,
        offset: Option<u32>,
        signal: String,
    },
    ModuleDisposedError {
        message: String,
    },
    CallError {
        message: String,
    },
    /// A native fuel pass (native/src/fuel_passes) refused a function, or the pipeline names
    /// a pass the native pipeline does not have (then `pass` is absent).
    FuelPassError {
        message: String,
        pass: Option<String>,
        location: Option<String>,
        function: Option<String>,
    },
    /// The wasm front end rejected a module (`translateKind`: invalid, unsupported,
    /// invalid-options).
    #[serde(rename_all = "camelCase")]
    TranslateError {
        message: String,
        translate_kind: String,
        feature: Option<String>,
        instruction: Option<String>,
        offset: Option<u64>,
    },
}

impl From<slackfuel_frontend::TranslateError> for Failure {
    fn from(error: slackfuel_frontend::TranslateError) -> Self {
        use slackfuel_frontend::TranslateError as E;
        let message = error.to_string();
        let translate_kind = error.kind().to_string();
        let (feature, instruction, offset) = match error {
            E::Invalid { offset, .. } => (None, None, Some(offset)),
            E::Unsupported {
                feature,
                instruction,
                offset,
            } => (Some(feature), Some(instruction), Some(offset)),
            E::InvalidOptions { .. } | E::Rewrite { .. } => (None, None, None),
        };
        Failure::TranslateError {
            message,
            translate_kind,
            feature,
            instruction,
            offset,
        }
    }
}

impl Failure {
    pub fn compile(function: Option<String>, message: impl Into<String>) -> Self {
        Failure::CompileError {
            message: message.into(),
            function,
        }
    }

    pub fn fuel_pass(
        pass: crate::fuel_passes::NativePass,
        function: &str,
        error: crate::fuel_passes::FuelPassError,
    ) -> Self {
        Failure::FuelPassError {
            message: format!("{function}: {}: {error}", pass.name()),
            pass: Some(pass.name().to_string()),
            location: Some(error.location),
            function: Some(function.to_string()),
        }
    }

    pub fn setting(setting: impl Into<String>, message: impl Into<String>) -> Self {
        Failure::SettingError {
            setting: setting.into(),
            message: message.into(),
        }
    }

    pub fn call(message: impl Into<String>) -> Self {
        Failure::CallError {
            message: message.into(),
        }
    }

    pub fn verifier(errors: Vec<VerifierProblem>) -> Self {
        let message = errors
            .iter()
            .map(|e| match &e.instruction {
                Some(inst) => format!("{}: {} ({}): {}", e.function, e.location, inst, e.message),
                None => format!("{}: {}: {}", e.function, e.location, e.message),
            })
            .collect::<Vec<_>>()
            .join("\n");
        Failure::VerifierError { message, errors }
    }

    /// The marker and JSON payload the facade decodes (what a thrown error's message holds).
    pub fn message(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| {
            r#"{"kind":"NativePanic","message":"could not serialise a native error"}"#.to_string()
        });
        format!("{ERROR_MARKER}{json}")
    }

    fn into_napi(self) -> napi::Error {
        let json = serde_json::to_string(&self).unwrap_or_else(|_| {
            // Serialising plain strings and numbers cannot fail; keep a valid payload regardless.
            r#"{"kind":"NativePanic","message":"could not serialise a native error"}"#.to_string()
        });
        napi::Error::from_reason(format!("{ERROR_MARKER}{json}"))
    }
}

pub type NativeResult<T> = Result<T, Failure>;

thread_local! {
    /// The message and location of the last panic on this thread, captured by our hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Replaces the default panic hook (which prints to stderr) with one that records the message,
/// so a panic inside Cranelift surfaces as a `NativePanic` carrying that text.
fn install_panic_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload();
            let text = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "panic with a non-string payload".to_string()
            };
            let full = match info.location() {
                Some(loc) => format!("{text} (at {}:{})", loc.file(), loc.line()),
                None => text,
            };
            LAST_PANIC.with(|slot| *slot.borrow_mut() = Some(full));
        }));
    });
}

/// Runs an exported operation: a `Failure` becomes a typed JS error, and a panic anywhere inside
/// (Cranelift included) becomes a `NativePanic` instead of aborting the Node process.
pub fn guard<T>(op: impl FnOnce() -> NativeResult<T>) -> napi::Result<T> {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(op)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(failure.into_napi()),
        Err(_) => {
            let message = LAST_PANIC
                .with(|slot| slot.borrow_mut().take())
                .unwrap_or_else(|| "panic inside the native backend".to_string());
            Err(Failure::NativePanic {
                message: format!("Cranelift panicked: {message}"),
            }
            .into_napi())
        }
    }
}
