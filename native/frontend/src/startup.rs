//! The fuel Wasmtime 48 charges while instantiating a module.
//!
//! Wasmtime compiles the work of instantiation that cannot be done from precomputed images into
//! one synthesised, fuel-metered function (its "module startup" function): complicated global
//! initialisers, passive element segments, table fills, the element segments it could not
//! precompute, the data segments it could not turn into a copy-on-write image, and the call of
//! the start function. Whether that function exists, and what it charges, follows from the module
//! alone, so it is computed here once, from Wasmtime's own rules:
//!
//! * it is entered like any function: 1 unit, committed by the entry check;
//! * every instruction of a constant expression it evaluates costs 1 (whatever the cost table
//!   says), bulk work with a constant count (table fills and segments) costs count × the
//!   per-element cost; both are only *buffered*, like the cost of straight-line code;
//! * buffered fuel is committed where Wasmtime commits it in this function: before a data
//!   segment's copy when `memory_init_per_byte` > 0 (the length is a runtime value), and before
//!   the start function's call (+1 for the call itself). What is still buffered at the end is
//!   never committed: the function saves its counter without adding it (measured: a global
//!   `(i32.add (i32.const 1) (i32.const 2))` costs 1, not 4);
//! * data segments that became part of a copy-on-write image are skipped at run time together
//!   with whatever was buffered before them.
//!
//! The start function's own fuel is charged by running it; `startup_fuel` includes the +1 of its
//! call. Tests: `tests/peers/wasmtime-fuel.test.ts` (`startup/` cases, recorded from Wasmtime).

use crate::cost::VariableCosts;
use crate::metadata::{ConstExpr, SegmentMode, TranslatedModule, ValueType};

/// Wasmtime's `memory_guaranteed_dense_image_size` default: a sparse image below it is still made.
const DENSE_IMAGE_ALWAYS: u64 = 16 << 20;
/// Wasmtime precomputes function tables up to this many elements.
const MAX_FUNC_TABLE_SIZE: u64 = 1024 * 1024;
const WASM_PAGE: u64 = 65536;

fn ops(expr: &ConstExpr) -> u64 {
    match expr {
        ConstExpr::Extended { ops } => ops.len() as u64,
        _ => 1,
    }
}

/// A single `i32.const` (the only offset Wasmtime's images and precomputed tables take).
fn constant_offset(expr: &ConstExpr) -> Option<u64> {
    match expr {
        ConstExpr::I32Const { value } => Some(u64::from(*value as u32)),
        // A 64-bit memory's offset (Wasmtime images those too).
        ConstExpr::I64Const { value } => value.parse::<i64>().ok().map(|v| v as u64),
        _ => None,
    }
}

/// What Wasmtime's startup function charges, or None when it has none or does not run it.
/// `expression_items[i]`: element segment `i` lists expressions (not plain function indices).
pub(crate) fn startup_fuel(
    m: &TranslatedModule,
    expression_items: &[bool],
    costs: &VariableCosts,
) -> Option<u64> {
    let data: Vec<(u32, u64, u64, bool)> = m
        .data_segments
        .iter()
        .filter_map(|d| match &d.mode {
            SegmentMode::Active { index, offset } => Some((
                *index,
                ops(offset),
                (d.bytes_hex.len() / 2) as u64,
                d.bytes_hex.bytes().any(|c| c != b'0'),
            )),
            _ => None,
        })
        .collect();
    let images = memory_images(m, &data);

    // Table segments Wasmtime precomputes: a prefix of the active ones (it stops at the first
    // one it cannot take).
    let table_inits_null: Vec<bool> = m
        .tables
        .iter()
        .map(|t| t.init.is_none() || single_ref_func(t.init.as_ref()))
        .collect();
    let active: Vec<(usize, u32, &ConstExpr, u64)> = m
        .element_segments
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.mode {
            SegmentMode::Active { index, offset } => {
                Some((i, *index, offset, e.items.len() as u64))
            }
            _ => None,
        })
        .collect();
    let precomputed = active
        .iter()
        .take_while(|(i, table, offset, len)| {
            let Some(t) = m.tables.get(*table as usize) else {
                return false;
            };
            let top = constant_offset(offset).map(|o| o + len);
            !t.imported
                && t.element_type == ValueType::Funcref
                && !expression_items.get(*i).copied().unwrap_or(true)
                && table_inits_null
                    .get(*table as usize)
                    .copied()
                    .unwrap_or(false)
                && top.is_some_and(|top| top <= t.min && top <= MAX_FUNC_TABLE_SIZE)
        })
        .count();

    let complicated_global = m.globals.iter().any(|g| {
        !g.imported
            && !matches!(
                g.init,
                Some(
                    ConstExpr::I32Const { .. }
                        | ConstExpr::I64Const { .. }
                        | ConstExpr::F32Const { .. }
                        | ConstExpr::F64Const { .. }
                        | ConstExpr::V128Const { .. }
                )
            )
    });
    let passive_elements = m
        .element_segments
        .iter()
        .any(|e| e.mode == SegmentMode::Passive);
    let table_fill = m
        .tables
        .iter()
        .any(|t| !t.imported && t.init.is_some() && !single_ref_func(t.init.as_ref()));
    let always = complicated_global
        || passive_elements
        || table_fill
        || precomputed < active.len()
        || (images.is_none() && !data.is_empty())
        || m.start.is_some();
    if !always {
        // Only images to apply: the function runs when some memory has none of its own (its
        // `needs_init`); then it applies no segment (copy-on-write did) and charges its entry.
        let images = images?;
        let defined = m.memories.iter().filter(|mem| !mem.imported).count();
        let with_image = images.iter().filter(|has| **has).count();
        return (with_image > 0 && with_image < defined).then_some(1);
    }

    let mut committed = 1u64;
    let mut buffered = 0u64;
    for g in m.globals.iter().filter(|g| !g.imported) {
        match &g.init {
            Some(
                ConstExpr::I32Const { .. }
                | ConstExpr::I64Const { .. }
                | ConstExpr::F32Const { .. }
                | ConstExpr::F64Const { .. }
                | ConstExpr::V128Const { .. },
            ) => {}
            Some(e) => buffered += ops(e),
            None => {}
        }
    }
    for (i, e) in m.element_segments.iter().enumerate() {
        if e.mode == SegmentMode::Passive && expression_items.get(i).copied().unwrap_or(false) {
            buffered += e.items.iter().map(ops).sum::<u64>();
        }
    }
    for t in m.tables.iter().filter(|t| !t.imported) {
        if let Some(init) = t.init.as_ref().filter(|i| !single_ref_func(Some(i))) {
            buffered += ops(init) + t.min * u64::from(costs.table_fill_per_element);
        }
    }
    for (i, _, offset, len) in active.iter().skip(precomputed) {
        buffered += ops(offset) + len * u64::from(costs.table_init_per_element);
        if expression_items.get(*i).copied().unwrap_or(false) {
            buffered += m.element_segments[*i].items.iter().map(ops).sum::<u64>();
        }
    }
    match images {
        // Every image is applied by copy-on-write: the segment code is skipped, and with it
        // what was buffered before it.
        Some(images) => {
            if images.iter().any(|has| *has) {
                buffered = 0;
            }
        }
        None => {
            for (_, offset_ops, len, _) in &data {
                buffered += offset_ops;
                if costs.memory_init_per_byte > 0 {
                    committed += buffered + len * u64::from(costs.memory_init_per_byte);
                    buffered = 0;
                }
            }
        }
    }
    if m.start.is_some() {
        committed += buffered + 1;
    }
    Some(committed)
}

fn single_ref_func(init: Option<&ConstExpr>) -> bool {
    matches!(init, Some(ConstExpr::RefFunc { .. }))
}

/// Wasmtime's static memory initialisation (`try_static_init`): per memory, whether it gets a
/// copy-on-write image; None when the module's segments cannot all be imaged (then every
/// segment is applied by the startup function).
fn memory_images(m: &TranslatedModule, data: &[(u32, u64, u64, bool)]) -> Option<Vec<bool>> {
    struct Extent {
        size: u64,
        lo: u64,
        hi: u64,
        nonzero: bool,
    }
    let mut extents: Vec<Extent> = m
        .memories
        .iter()
        .map(|_| Extent {
            size: 0,
            lo: u64::MAX,
            hi: 0,
            nonzero: false,
        })
        .collect();
    for (d, (memory, _, len, nonzero)) in m
        .data_segments
        .iter()
        .filter(|d| matches!(d.mode, SegmentMode::Active { .. }))
        .zip(data)
    {
        let mem = m.memories.get(*memory as usize)?;
        if mem.imported {
            return None;
        }
        let SegmentMode::Active { offset, .. } = &d.mode else {
            return None;
        };
        let start = constant_offset(offset)?;
        let end = start.checked_add(*len)?;
        if end > mem.min_pages.saturating_mul(WASM_PAGE) {
            return None;
        }
        if *len == 0 {
            continue;
        }
        let e = extents.get_mut(*memory as usize)?;
        e.size += len;
        e.lo = e.lo.min(start);
        e.hi = e.hi.max(end);
        e.nonzero |= nonzero;
    }
    for e in extents.iter().filter(|e| e.size > 0) {
        let image = e.hi - e.lo;
        if image >= e.size.saturating_mul(2) && image >= DENSE_IMAGE_ALWAYS {
            return None;
        }
    }
    // An image of zeros only is trimmed to nothing: that memory has no image.
    Some(extents.iter().map(|e| e.nonzero).collect())
}
