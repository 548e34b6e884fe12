//! The panic policy of the runtime's napi methods: each body runs under `errors::guard`, so a
//! panic becomes a `NativePanic` error in JavaScript instead of unwinding into napi's C frames
//! (which would abort Node).

use crate::errors::{Failure, guard};

/// Runs a napi method body that already produces napi errors; a panic becomes `NativePanic`.
pub(super) fn entry<T>(body: impl FnOnce() -> napi::Result<T>) -> napi::Result<T> {
    guard(|| Ok(body())).and_then(|result| result)
}

/// A failure as the JS error the facade decodes (marker + JSON).
pub(super) fn failure_to_napi(failure: Failure) -> napi::Error {
    napi::Error::from_reason(failure.message())
}
