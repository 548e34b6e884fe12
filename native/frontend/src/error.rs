//! Typed translation errors.

use std::fmt;

/// Why a module could not be translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TranslateError {
    /// The bytes are not a valid module for the enabled feature set.
    Invalid { message: String, offset: u64 },
    /// The module is valid but uses something this front end does not translate.
    Unsupported {
        feature: String,
        instruction: String,
        offset: u64,
    },
    /// The options (the vmctx layout) are inconsistent.
    InvalidOptions { message: String },
    /// The caller's rewrite of function `index` (`translate_rewriting`) failed.
    Rewrite { message: String, index: u32 },
}

impl TranslateError {
    pub(crate) fn unsupported(feature: &str, instruction: impl Into<String>, offset: u64) -> Self {
        Self::Unsupported {
            feature: feature.to_string(),
            instruction: instruction.into(),
            offset,
        }
    }

    /// A short machine-readable kind: `invalid`, `unsupported` or `invalid-options`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "invalid",
            Self::Unsupported { .. } => "unsupported",
            Self::InvalidOptions { .. } => "invalid-options",
            Self::Rewrite { .. } => "rewrite",
        }
    }
}

impl fmt::Display for TranslateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid { message, offset } => {
                write!(f, "invalid: {message} (at offset {offset})")
            }
            Self::Unsupported {
                feature,
                instruction,
                offset,
            } => {
                write!(
                    f,
                    "unsupported: {feature} ({instruction} at offset {offset})"
                )
            }
            Self::InvalidOptions { message } => write!(f, "invalid options: {message}"),
            Self::Rewrite { message, index } => write!(f, "function {index}: {message}"),
        }
    }
}

impl std::error::Error for TranslateError {}

impl From<wasmparser::BinaryReaderError> for TranslateError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Self::Invalid {
            message: e.message().to_string(),
            offset: e.offset(),
        }
    }
}
