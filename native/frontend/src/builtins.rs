//! Runtime builtins called from generated code: `colocated u805306368:K`, vmctx first.
//!
//! Builtins that can fail return an `i8` that is 0 when they failed; the generated code then
//! traps with `HOST_TRAP` and the runtime reports the trap kind the builtin recorded (Wasmtime's
//! convention for fallible libcalls).

use cranelift_codegen::ir::{AbiParam, ArgumentPurpose, Signature, types};
use cranelift_codegen::isa::CallConv;
use serde::Serialize;

/// The external-name namespace of builtins (Wasmtime's, `0x30000000`).
pub const BUILTIN_NAMESPACE: u32 = 805_306_368;

/// Every builtin the generated code may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `(vmctx, mem: i32, delta: i32) -> i32`: old size in pages, or -1.
    MemoryGrow,
    /// `(vmctx, mem: i32, dst: i64, val: i32, len: i64) -> i8`.
    MemoryFill,
    /// `(vmctx, dst_mem: i32, dst: i64, src_mem: i32, src: i64, len: i64) -> i8`.
    MemoryCopy,
    /// `(vmctx, mem: i32, data: i32, dst: i64, src: i32, len: i32) -> i8`.
    MemoryInit,
    /// `(vmctx, data: i32)`.
    DataDrop,
    /// `(vmctx, table: i32, delta: i32, init: i64) -> i32`: old size, or -1.
    TableGrow,
    /// `(vmctx, table: i32, dst: i32, val: i64, len: i32) -> i8`.
    TableFill,
    /// `(vmctx, dst_table: i32, src_table: i32, dst: i32, src: i32, len: i32) -> i8`.
    TableCopy,
    /// `(vmctx, table: i32, elem: i32, dst: i32, src: i32, len: i32) -> i8`.
    TableInit,
    /// `(vmctx, elem: i32)`.
    ElemDrop,
    /// `(vmctx, mem: i32, delta: i64) -> i64`: `memory.grow` on a 64-bit memory; old size in
    /// pages, or -1.
    MemoryGrow64,
    /// `(vmctx) -> i8`: Wasmtime's out-of-gas builtin (index 12).
    OutOfGas,
    /// `(vmctx) -> i64`: Wasmtime's new-epoch builtin (index 13); returns the new deadline.
    NewEpoch,
}

/// One builtin as reported in the module metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuiltinInfo {
    pub name: &'static str,
    pub index: u32,
    /// Parameter types after vmctx.
    pub params: Vec<&'static str>,
    pub results: Vec<&'static str>,
}

impl Builtin {
    pub const ALL: [Builtin; 13] = [
        Builtin::MemoryGrow,
        Builtin::MemoryFill,
        Builtin::MemoryCopy,
        Builtin::MemoryInit,
        Builtin::DataDrop,
        Builtin::TableGrow,
        Builtin::TableFill,
        Builtin::TableCopy,
        Builtin::TableInit,
        Builtin::ElemDrop,
        Builtin::MemoryGrow64,
        Builtin::OutOfGas,
        Builtin::NewEpoch,
    ];

    /// The index `K` in `u805306368:K`.
    pub fn index(self) -> u32 {
        match self {
            Builtin::MemoryGrow => 0,
            Builtin::MemoryFill => 1,
            Builtin::MemoryCopy => 2,
            Builtin::MemoryInit => 3,
            Builtin::DataDrop => 4,
            Builtin::TableGrow => 5,
            Builtin::TableFill => 6,
            Builtin::TableCopy => 7,
            Builtin::TableInit => 8,
            Builtin::ElemDrop => 9,
            Builtin::MemoryGrow64 => 10,
            Builtin::OutOfGas => 12,
            Builtin::NewEpoch => 13,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::MemoryGrow => "memory_grow",
            Builtin::MemoryFill => "memory_fill",
            Builtin::MemoryCopy => "memory_copy",
            Builtin::MemoryInit => "memory_init",
            Builtin::DataDrop => "data_drop",
            Builtin::TableGrow => "table_grow",
            Builtin::TableFill => "table_fill",
            Builtin::TableCopy => "table_copy",
            Builtin::TableInit => "table_init",
            Builtin::ElemDrop => "elem_drop",
            Builtin::MemoryGrow64 => "memory_grow64",
            Builtin::OutOfGas => "out_of_gas",
            Builtin::NewEpoch => "new_epoch",
        }
    }

    fn shape(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Builtin::MemoryGrow => (&["i32", "i32"], &["i32"]),
            Builtin::MemoryGrow64 => (&["i32", "i64"], &["i64"]),
            Builtin::MemoryFill => (&["i32", "i64", "i32", "i64"], &["i8"]),
            Builtin::MemoryCopy => (&["i32", "i64", "i32", "i64", "i64"], &["i8"]),
            Builtin::MemoryInit => (&["i32", "i32", "i64", "i32", "i32"], &["i8"]),
            Builtin::DataDrop | Builtin::ElemDrop => (&["i32"], &[]),
            Builtin::TableGrow => (&["i32", "i32", "i64"], &["i32"]),
            Builtin::TableFill => (&["i32", "i32", "i64", "i32"], &["i8"]),
            Builtin::TableCopy | Builtin::TableInit => {
                (&["i32", "i32", "i32", "i32", "i32"], &["i8"])
            }
            Builtin::OutOfGas => (&[], &["i8"]),
            Builtin::NewEpoch => (&[], &["i64"]),
        }
    }

    /// The CLIF signature (`tail` convention, vmctx first).
    pub fn signature(self) -> Signature {
        let ty = |name: &str| match name {
            "i8" => types::I8,
            "i32" => types::I32,
            _ => types::I64,
        };
        let (params, results) = self.shape();
        let mut sig = Signature::new(CallConv::Tail);
        sig.params
            .push(AbiParam::special(types::I64, ArgumentPurpose::VMContext));
        sig.params
            .extend(params.iter().map(|p| AbiParam::new(ty(p))));
        sig.returns
            .extend(results.iter().map(|r| AbiParam::new(ty(r))));
        sig
    }

    pub fn info(self) -> BuiltinInfo {
        let (params, results) = self.shape();
        BuiltinInfo {
            name: self.name(),
            index: self.index(),
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }
}
