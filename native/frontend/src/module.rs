//! Module-level decoding: validation, metadata, and one `func::translate_function` per body.

use std::fmt::Write as _;

use wasmparser::{
    CompositeInnerType, ElementItems, ElementKind, ExternalKind, FuncToValidate, FunctionBody,
    KnownCustom, Name, Operator, Parser, Payload, TableInit, TypeRef, ValType, ValidPayload,
    Validator, ValidatorResources, WasmFeatures,
};

use crate::builtins::Builtin;
use crate::error::TranslateError;
use crate::func;
use crate::metadata::*;
use crate::options::TranslateOptions;

/// What function translation needs to know about the module.
pub(crate) struct ModuleInfo {
    pub types: Vec<wasmparser::FuncType>,
    pub canonical_type_ids: Vec<u32>,
    pub function_types: Vec<u32>,
    pub num_imported_functions: u32,
    /// (type, imported) per global index.
    pub globals: Vec<(ValType, bool)>,
    pub memories: Vec<wasmparser::MemoryType>,
    /// Per table: its size when it cannot change (minimum = maximum), as Wasmtime's static
    /// tables, whose `table.size` is a constant.
    pub fixed_table_sizes: Vec<Option<u64>>,
    /// Per table: whether it is a 64-bit table (table64).
    pub table64: Vec<bool>,
    /// Per table: whether it is imported (its record in the vmctx's table array then holds a
    /// pointer to the exporter's record, as Wasmtime's `VMTableImport` does).
    pub imported_tables: Vec<bool>,
    /// Per global: its value when it is defined, immutable and initialised by a constant, as
    /// Wasmtime's `global_initializers` (whose `global.get` is then a constant).
    pub constant_globals: Vec<Option<ConstExpr>>,
}

/// The features Node 20's V8 enables by default: WebAssembly 2.0 plus tail calls, threads and
/// the legacy exception-handling proposal (wasmparser needs `exceptions` for its tags). Whatever of these we do not translate is reported
/// as unsupported instead of being rejected as invalid.
/// Exactly what Wasmtime 48 validates by default (`Config::features`): the WebAssembly 3.0 set
/// (2.0 plus tail calls, extended-const, multi-memory, relaxed SIMD, threads, exceptions,
/// memory64, function references, GC) and GC types, as its default `gc` crate feature adds.
/// What of it we do not translate is refused by name.
fn wasmtime_features() -> WasmFeatures {
    WasmFeatures::WASM3 | WasmFeatures::GC_TYPES
}

pub(crate) fn value_type(ty: ValType, offset: u64) -> Result<ValueType, TranslateError> {
    Ok(match ty {
        ValType::I32 => ValueType::I32,
        ValType::I64 => ValueType::I64,
        ValType::F32 => ValueType::F32,
        ValType::F64 => ValueType::F64,
        ValType::V128 => ValueType::V128,
        ValType::Ref(r) => ref_type(r, offset)?,
    })
}

/// Whether `t` is a reference type without null (`(ref $t)`, `(ref extern)`).
fn is_non_null(t: ValType) -> bool {
    matches!(t, ValType::Ref(r) if !r.is_nullable())
}

/// The positions of `types` that hold non-nullable references.
fn non_null_indices(types: &[ValType]) -> Vec<u32> {
    (0u32..)
        .zip(types)
        .filter(|(_, t)| is_non_null(**t))
        .map(|(i, _)| i)
        .collect()
}

/// The representation of a reference type: every function reference — `funcref`, `(ref func)`,
/// `(ref null $t)`, `(ref $t)` (concrete types are all function types: the type section refuses
/// the others) — is a func-ref pointer, every external reference an `externref`. Nullability is
/// the validator's business. What only the GC proposal adds (any, eq, i31, struct, array, the
/// bottom types none/nofunc/noextern, exn, shared references) is refused as `gc`.
fn ref_type(r: wasmparser::RefType, offset: u64) -> Result<ValueType, TranslateError> {
    heap_type(r.heap_type(), offset)
}

pub(crate) fn heap_type(h: wasmparser::HeapType, offset: u64) -> Result<ValueType, TranslateError> {
    use wasmparser::{AbstractHeapType as A, HeapType as H};
    match h {
        H::Abstract {
            shared: false,
            ty: A::Func,
        }
        | H::Concrete(_) => Ok(ValueType::Funcref),
        H::Abstract {
            shared: false,
            ty: A::Extern,
        } => Ok(ValueType::Externref),
        other => Err(TranslateError::unsupported(
            "gc",
            format!("heap type {other:?}"),
            offset,
        )),
    }
}

fn const_expr(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, TranslateError> {
    let mut reader = expr.get_operators_reader();
    let mut ops = Vec::new();
    loop {
        let (op, offset) = reader.read_with_offset()?;
        if let Operator::End = op {
            break;
        }
        ops.push(const_op(op, offset)?);
    }
    // Validation guarantees one value; a single instruction keeps its plain form.
    if ops.len() == 1 {
        Ok(ops.remove(0))
    } else {
        Ok(ConstExpr::Extended { ops })
    }
}

/// One instruction of a constant expression.
fn const_op(op: Operator<'_>, offset: u64) -> Result<ConstExpr, TranslateError> {
    Ok(match op {
        Operator::I32Const { value } => ConstExpr::I32Const { value },
        Operator::I64Const { value } => ConstExpr::I64Const {
            value: value.to_string(),
        },
        Operator::F32Const { value } => ConstExpr::F32Const { bits: value.bits() },
        Operator::F64Const { value } => ConstExpr::F64Const {
            bits: value.bits().to_string(),
        },
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet {
            index: global_index,
        },
        Operator::RefNull { hty } => ConstExpr::RefNull {
            r#type: heap_type(hty, offset)?,
        },
        Operator::RefFunc { function_index } => ConstExpr::RefFunc {
            index: function_index,
        },
        Operator::V128Const { value } => ConstExpr::V128Const {
            bits: u128::from_le_bytes(*value.bytes()).to_string(),
        },
        Operator::I32Add => ConstExpr::I32Add,
        Operator::I32Sub => ConstExpr::I32Sub,
        Operator::I32Mul => ConstExpr::I32Mul,
        Operator::I64Add => ConstExpr::I64Add,
        Operator::I64Sub => ConstExpr::I64Sub,
        Operator::I64Mul => ConstExpr::I64Mul,
        other => {
            // Only the GC proposal adds further constant instructions (struct.new, ref.i31...).
            return Err(TranslateError::unsupported(
                "gc",
                format!("{other:?}"),
                offset,
            ));
        }
    })
}

/// Per type index, the lowest type index of the same type. The validator interns rec groups
/// (iso-recursive equivalence: `(ref $a)` and `(ref $b)` in two function types are the same
/// when $a and $b are), so equal ids mean equal types, as Wasmtime's engine-wide type ids.
fn canonical_type_ids(validator: &Validator, count: usize) -> Vec<u32> {
    let Some(types) = validator.types(0) else {
        return (0..count as u32).collect();
    };
    let mut first = std::collections::HashMap::new();
    (0..count as u32)
        .map(|i| *first.entry(types.core_type_at_in_module(i)).or_insert(i))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn memory(ty: &wasmparser::MemoryType, imported: bool) -> Memory {
    Memory {
        min_pages: ty.initial,
        max_pages: ty.maximum,
        shared: ty.shared,
        imported,
        memory64: ty.memory64,
    }
}

fn table(
    ty: &wasmparser::TableType,
    imported: bool,
    init: Option<ConstExpr>,
    offset: u64,
    keys: &crate::type_keys::TypeKeys,
) -> Result<Table, TranslateError> {
    Ok(Table {
        element_type: ref_type(ty.element_type, offset)?,
        element_key: keys.reference_key(ty.element_type),
        min: ty.initial,
        max: ty.maximum,
        imported,
        init,
        table64: ty.table64,
    })
}

pub(crate) fn translate_module(
    wasm: &[u8],
    options: &TranslateOptions,
    rewrite: Option<&crate::FunctionRewrite<'_>>,
) -> Result<TranslatedModule, TranslateError> {
    let mut validator = Validator::new_with_features(wasmtime_features());
    let mut out = TranslatedModule {
        metering: options.metering,
        types: Vec::new(),
        canonical_type_ids: Vec::new(),
        type_keys: Vec::new(),
        function_types: Vec::new(),
        imports: Vec::new(),
        exports: Vec::new(),
        memories: Vec::new(),
        tables: Vec::new(),
        globals: Vec::new(),
        data_segments: Vec::new(),
        element_segments: Vec::new(),
        start: None,
        startup_fuel: None,
        num_imported_functions: 0,
        functions: Vec::new(),
        layout: options.layout.clone(),
        builtins: Builtin::ALL.iter().map(|b| b.info()).collect(),
        trap_codes: func::trap_code_table(),
        rewrite_micros: None,
    };
    let mut info = ModuleInfo {
        types: Vec::new(),
        canonical_type_ids: Vec::new(),
        function_types: Vec::new(),
        num_imported_functions: 0,
        globals: Vec::new(),
        memories: Vec::new(),
        fixed_table_sizes: Vec::new(),
        imported_tables: Vec::new(),
        table64: Vec::new(),
        constant_globals: Vec::new(),
    };
    let mut bodies: Vec<(FuncToValidate<ValidatorResources>, FunctionBody<'_>)> = Vec::new();
    let mut names: std::collections::HashMap<u32, String> = std::collections::HashMap::new();
    // Per element segment: its items are expressions (Wasmtime cannot precompute those).
    let mut expression_items: Vec<bool> = Vec::new();
    let mut type_keys = crate::type_keys::TypeKeys::default();

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let ValidPayload::Func(to_validate, body) = validator.payload(&payload)? {
            bodies.push((to_validate, body));
            continue;
        }
        match payload {
            Payload::TypeSection(reader) => {
                let offset = reader.range().start;
                for group in reader {
                    let group = group?;
                    let first = info.types.len();
                    for sub in group.into_types() {
                        if !sub.supertype_idxs.is_empty() {
                            // Declared subtyping is the GC proposal's: call_indirect would need
                            // a subtype check instead of comparing canonical ids.
                            return Err(TranslateError::unsupported(
                                "gc",
                                "declared subtype",
                                offset,
                            ));
                        }
                        match &sub.composite_type.inner {
                            CompositeInnerType::Func(f) if !sub.composite_type.shared => {
                                let params = f
                                    .params()
                                    .iter()
                                    .map(|t| value_type(*t, offset))
                                    .collect::<Result<_, _>>()?;
                                let results = f
                                    .results()
                                    .iter()
                                    .map(|t| value_type(*t, offset))
                                    .collect::<Result<_, _>>()?;
                                out.types.push(FuncType {
                                    params,
                                    results,
                                    non_null_params: non_null_indices(f.params()),
                                    non_null_results: non_null_indices(f.results()),
                                });
                                info.types.push(f.clone());
                            }
                            _ => {
                                return Err(TranslateError::unsupported(
                                    "gc",
                                    "non-function type",
                                    offset,
                                ));
                            }
                        }
                    }
                    type_keys.add_group(&info.types[first..]);
                }
                info.canonical_type_ids = canonical_type_ids(&validator, info.types.len());
            }
            Payload::ImportSection(reader) => {
                let offset = reader.range().start;
                for import in reader.into_imports() {
                    let import = import?;
                    let kind = match import.ty {
                        TypeRef::Func(type_index) => {
                            info.function_types.push(type_index);
                            info.num_imported_functions += 1;
                            ImportKind::Func { type_index }
                        }
                        TypeRef::Table(t) => {
                            let t = table(&t, true, None, offset, &type_keys)?;
                            out.tables.push(t.clone());
                            ImportKind::Table { table: t }
                        }
                        TypeRef::Memory(m) => {
                            let mem = memory(&m, true);
                            info.memories.push(m);
                            out.memories.push(mem.clone());
                            ImportKind::Memory { memory: mem }
                        }
                        TypeRef::Global(g) => {
                            let r#type = value_type(g.content_type, offset)?;
                            info.globals.push((g.content_type, true));
                            let global = Global {
                                r#type,
                                type_key: type_keys.value_key(g.content_type),
                                non_null: is_non_null(g.content_type),
                                mutable: g.mutable,
                                imported: true,
                                init: None,
                            };
                            out.globals.push(global.clone());
                            ImportKind::Global { global }
                        }
                        other => {
                            return Err(TranslateError::unsupported(
                                "exceptions",
                                format!("{other:?} import"),
                                offset,
                            ));
                        }
                    };
                    out.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    info.function_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                let offset = reader.range().start;
                for t in reader {
                    let t = t?;
                    let init = match &t.init {
                        TableInit::RefNull => None,
                        TableInit::Expr(e) => Some(const_expr(e)?),
                    };
                    out.tables
                        .push(table(&t.ty, false, init, offset, &type_keys)?);
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader {
                    let m = m?;
                    out.memories.push(memory(&m, false));
                    info.memories.push(m);
                }
            }
            Payload::TagSection(reader) => {
                return Err(TranslateError::unsupported(
                    "exceptions",
                    "tag section",
                    reader.range().start,
                ));
            }
            Payload::GlobalSection(reader) => {
                let offset = reader.range().start;
                for g in reader {
                    let g = g?;
                    let r#type = value_type(g.ty.content_type, offset)?;
                    info.globals.push((g.ty.content_type, false));
                    out.globals.push(Global {
                        r#type,
                        type_key: type_keys.value_key(g.ty.content_type),
                        non_null: is_non_null(g.ty.content_type),
                        mutable: g.ty.mutable,
                        imported: false,
                        init: Some(const_expr(&g.init_expr)?),
                    });
                }
            }
            Payload::ExportSection(reader) => {
                let offset = reader.range().start;
                for e in reader {
                    let e = e?;
                    let kind = match e.kind {
                        ExternalKind::Func => ExternKind::Func,
                        ExternalKind::Table => ExternKind::Table,
                        ExternalKind::Memory => ExternKind::Memory,
                        ExternalKind::Global => ExternKind::Global,
                        other => {
                            return Err(TranslateError::unsupported(
                                "exceptions",
                                format!("{other:?} export"),
                                offset,
                            ));
                        }
                    };
                    out.exports.push(Export {
                        name: e.name.to_string(),
                        kind,
                        index: e.index,
                    });
                }
            }
            Payload::StartSection { func, .. } => out.start = Some(func),
            Payload::ElementSection(reader) => {
                let offset = reader.range().start;
                for e in reader {
                    let e = e?;
                    let mode = match &e.kind {
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                        ElementKind::Active {
                            table_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: table_index.unwrap_or(0),
                            offset: const_expr(offset_expr)?,
                        },
                    };
                    expression_items.push(matches!(e.items, ElementItems::Expressions(..)));
                    let (element_type, items) = match e.items {
                        ElementItems::Functions(r) => {
                            let items = r
                                .into_iter()
                                .map(|f| f.map(|index| ConstExpr::RefFunc { index }))
                                .collect::<Result<Vec<_>, _>>()?;
                            (ValueType::Funcref, items)
                        }
                        ElementItems::Expressions(ty, r) => {
                            let mut items = Vec::new();
                            for x in r {
                                items.push(const_expr(&x?)?);
                            }
                            (ref_type(ty, offset)?, items)
                        }
                    };
                    out.element_segments.push(ElementSegment {
                        mode,
                        element_type,
                        items,
                    });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d?;
                    let mode = match &d.kind {
                        wasmparser::DataKind::Passive => SegmentMode::Passive,
                        wasmparser::DataKind::Active {
                            memory_index,
                            offset_expr,
                        } => SegmentMode::Active {
                            index: *memory_index,
                            offset: const_expr(offset_expr)?,
                        },
                    };
                    out.data_segments.push(DataSegment {
                        mode,
                        bytes_hex: hex(d.data),
                    });
                }
            }
            Payload::CustomSection(reader) => {
                // A malformed name section is ignored, as engines do.
                if let KnownCustom::Name(names_reader) = reader.as_known() {
                    for subsection in names_reader.into_iter().flatten() {
                        if let Name::Function(map) = subsection {
                            for naming in map.into_iter().flatten() {
                                names.insert(naming.index, naming.name.to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    out.startup_fuel =
        crate::startup::startup_fuel(&out, &expression_items, &options.fuel_costs.variable);
    out.canonical_type_ids = info.canonical_type_ids.clone();
    out.type_keys = type_keys.into_keys();
    out.function_types = info.function_types.clone();
    out.num_imported_functions = info.num_imported_functions;
    info.fixed_table_sizes = out
        .tables
        .iter()
        .map(|t| (t.max == Some(t.min)).then_some(t.min))
        .collect();
    info.table64 = out.tables.iter().map(|t| t.table64).collect();
    info.imported_tables = out.tables.iter().map(|t| t.imported).collect();
    info.constant_globals = out
        .globals
        .iter()
        .map(|g| match &g.init {
            Some(
                c @ (ConstExpr::I32Const { .. }
                | ConstExpr::I64Const { .. }
                | ConstExpr::F32Const { .. }
                | ConstExpr::F64Const { .. }),
            ) if !g.mutable && !g.imported => Some(c.clone()),
            _ => None,
        })
        .collect();

    let texts = crate::bodies::translate_bodies(&info, options, bodies, rewrite)?;
    for (i, clif) in texts.into_iter().enumerate() {
        let index = info.num_imported_functions + i as u32;
        out.functions.push(TranslatedFunction {
            index,
            type_index: info.function_types[index as usize],
            debug_name: names.remove(&index),
            clif,
        });
    }
    Ok(out)
}
