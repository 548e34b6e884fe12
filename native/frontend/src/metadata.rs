//! The translation result: CLIF per function plus everything needed to instantiate the module.
//! Serialised to JSON (camelCase) for the TypeScript side, which validates it with zod.
//! 64-bit integers are strings so JavaScript does not round them.

use serde::Serialize;

use crate::builtins::BuiltinInfo;
use crate::layout::VmctxLayout;
use crate::options::Metering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Funcref,
    Externref,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FuncType {
    pub params: Vec<ValueType>,
    pub results: Vec<ValueType>,
    /// Indices of the params typed as non-nullable references (`(ref $t)`, `(ref func)`,
    /// `(ref extern)`): the host must not pass null there, since the code does not check it.
    pub non_null_params: Vec<u32>,
    /// The same for results: a host function must not return null there.
    pub non_null_results: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ImportKind {
    #[serde(rename_all = "camelCase")]
    Func {
        type_index: u32,
    },
    Table {
        table: Table,
    },
    Memory {
        memory: Memory,
    },
    Global {
        global: Global,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Import {
    pub module: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: ImportKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExternKind {
    Func,
    Table,
    Memory,
    Global,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Export {
    pub name: String,
    pub kind: ExternKind,
    pub index: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Memory {
    pub min_pages: u64,
    pub max_pages: Option<u64>,
    pub shared: bool,
    pub imported: bool,
    /// A 64-bit memory (memory64): i64 addresses, sizes and lengths.
    pub memory64: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub element_type: ValueType,
    /// The element type exactly (`(ref null func)`, or a typed reference by its type's key):
    /// an imported table must have the same, as Wasmtime requires.
    pub element_key: String,
    pub min: u64,
    pub max: Option<u64>,
    pub imported: bool,
    /// Initial value of every element (`ref.null` when absent).
    pub init: Option<ConstExpr>,
    /// A 64-bit table (table64, part of memory64): i64 indices, sizes and lengths.
    pub table64: bool,
}

/// A constant expression (global initialisers, segment offsets and items).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op")]
pub enum ConstExpr {
    #[serde(rename = "i32.const")]
    I32Const { value: i32 },
    #[serde(rename = "i64.const")]
    I64Const { value: String },
    /// IEEE bits of the constant.
    #[serde(rename = "f32.const")]
    F32Const { bits: u32 },
    /// IEEE bits of the constant, as a decimal string.
    #[serde(rename = "f64.const")]
    F64Const { bits: String },
    #[serde(rename = "global.get")]
    GlobalGet { index: u32 },
    #[serde(rename = "ref.null")]
    RefNull { r#type: ValueType },
    #[serde(rename = "ref.func")]
    RefFunc { index: u32 },
    /// The 16 bytes as one little-endian 128-bit integer, in decimal.
    #[serde(rename = "v128.const")]
    V128Const { bits: String },
    /// Extended constant expressions: the instructions in order, evaluated on a stack; the
    /// arithmetic ones below appear only here. A one-instruction expression is never wrapped.
    #[serde(rename = "extended")]
    Extended { ops: Vec<ConstExpr> },
    #[serde(rename = "i32.add")]
    I32Add,
    #[serde(rename = "i32.sub")]
    I32Sub,
    #[serde(rename = "i32.mul")]
    I32Mul,
    #[serde(rename = "i64.add")]
    I64Add,
    #[serde(rename = "i64.sub")]
    I64Sub,
    #[serde(rename = "i64.mul")]
    I64Mul,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Global {
    pub r#type: ValueType,
    /// The value type exactly (a typed reference by its type's key): an import must match it.
    pub type_key: String,
    /// A non-nullable reference type (`(ref $t)`, `(ref extern)`): null is not a value of it.
    pub non_null: bool,
    pub mutable: bool,
    pub imported: bool,
    pub init: Option<ConstExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "camelCase")]
pub enum SegmentMode {
    Passive,
    Declared,
    /// `index` is the memory (data segments) or table (element segments).
    Active {
        index: u32,
        offset: ConstExpr,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSegment {
    #[serde(flatten)]
    pub mode: SegmentMode,
    /// The bytes, hex-encoded.
    pub bytes_hex: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementSegment {
    #[serde(flatten)]
    pub mode: SegmentMode,
    pub element_type: ValueType,
    pub items: Vec<ConstExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranslatedFunction {
    /// Function index (imports first, as in wasm); the CLIF is named `u0:<index>`.
    pub index: u32,
    pub type_index: u32,
    /// Name from the `name` section, if any.
    pub debug_name: Option<String>,
    pub clif: String,
}

/// A trap code the generated code can raise and the wasm trap it means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrapCodeInfo {
    pub code: &'static str,
    pub trap: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranslatedModule {
    pub metering: Metering,
    pub types: Vec<FuncType>,
    /// Per type index, the id call_indirect compares against a func-ref's type id: the lowest
    /// type index with the same signature.
    pub canonical_type_ids: Vec<u32>,
    /// Per type index, a structural key equal for equal types across modules (the runtime
    /// numbers types by it per store; `call_indirect` reads the number from the vmctx).
    pub type_keys: Vec<String>,
    /// Type index of every function (imports first).
    pub function_types: Vec<u32>,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    pub memories: Vec<Memory>,
    pub tables: Vec<Table>,
    pub globals: Vec<Global>,
    pub data_segments: Vec<DataSegment>,
    pub element_segments: Vec<ElementSegment>,
    pub start: Option<u32>,
    /// Fuel Wasmtime 48's startup function charges at instantiation, the +1 of the start
    /// function's call included but not its body; null when Wasmtime runs no startup function
    /// (see `startup.rs`).
    pub startup_fuel: Option<u64>,
    pub num_imported_functions: u32,
    /// Defined functions, in function-index order.
    pub functions: Vec<TranslatedFunction>,
    pub layout: VmctxLayout,
    pub builtins: Vec<BuiltinInfo>,
    pub trap_codes: Vec<TrapCodeInfo>,
    /// Microseconds a caller's rewrite of the functions took (`translate_rewriting`); absent
    /// when there was none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite_micros: Option<u64>,
}

impl TranslatedModule {
    /// The whole result as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("metadata serialises")
    }
}
