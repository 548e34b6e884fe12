//! The typed diagnostic of the Rust fuel passes: what the TypeScript `FuelWebError` says, with
//! the counter location being tried, so both report the same class of problem.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuelPassError {
    /// What is wrong, naming the instruction or block at fault.
    pub message: String,
    /// The counter location (preset name) that was being tried.
    pub location: String,
}

impl fmt::Display for FuelPassError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [counter location: {}]", self.message, self.location)
    }
}

pub type FuelResult<T> = Result<T, FuelPassError>;
