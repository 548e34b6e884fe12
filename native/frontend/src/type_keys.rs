//! Structural keys of function types: two types get the same key exactly when they are the same
//! type under WebAssembly's iso-recursive equivalence (the same rec group structure, the same
//! position in it). The runtime numbers types by key across the instances of a store, so a
//! func-ref's type id means one type in every instance, as Wasmtime's engine-wide
//! `VMSharedTypeIndex` does, and `call_indirect` through another instance's table compares
//! like with like.

use wasmparser::{FuncType, HeapType, RefType, UnpackedIndex, ValType};

/// Keys per type index, filled one rec group at a time in type-section order.
#[derive(Default)]
pub(crate) struct TypeKeys {
    keys: Vec<String>,
}

impl TypeKeys {
    /// Adds the keys of a rec group whose types take the next indices. References to a type of
    /// the group itself are written by position (`self.1`), references to earlier types by
    /// their keys: a group can only reference itself and earlier types.
    pub(crate) fn add_group(&mut self, group: &[FuncType]) {
        let start = self.keys.len() as u32;
        let end = start + group.len() as u32;
        let members: Vec<String> = group
            .iter()
            .map(|f| self.signature(f, start, end))
            .collect();
        let body = format!("rec[{}]", members.join(";"));
        for i in 0..group.len() {
            self.keys.push(format!("{body}.{i}"));
        }
    }

    pub(crate) fn into_keys(self) -> Vec<String> {
        self.keys
    }

    /// The key of a reference type outside the type section (a table's element type).
    pub(crate) fn reference_key(&self, r: RefType) -> String {
        let n = self.keys.len() as u32;
        self.reference(r, n, n)
    }

    /// The key of a value type outside the type section (a global's type).
    pub(crate) fn value_key(&self, t: ValType) -> String {
        let n = self.keys.len() as u32;
        self.value(t, n, n)
    }

    fn signature(&self, f: &FuncType, start: u32, end: u32) -> String {
        let list = |types: &[ValType]| {
            types
                .iter()
                .map(|t| self.value(*t, start, end))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!("func({})->({})", list(f.params()), list(f.results()))
    }

    fn value(&self, t: ValType, start: u32, end: u32) -> String {
        match t {
            ValType::I32 => "i32".into(),
            ValType::I64 => "i64".into(),
            ValType::F32 => "f32".into(),
            ValType::F64 => "f64".into(),
            ValType::V128 => "v128".into(),
            ValType::Ref(r) => self.reference(r, start, end),
        }
    }

    fn reference(&self, r: RefType, start: u32, end: u32) -> String {
        let null = if r.is_nullable() { "null " } else { "" };
        let heap = match r.heap_type() {
            HeapType::Abstract { shared, ty } => {
                format!("{}{ty:?}", if shared { "shared " } else { "" })
            }
            HeapType::Concrete(UnpackedIndex::RecGroup(i)) => format!("self.{i}"),
            HeapType::Concrete(UnpackedIndex::Module(i)) if (start..end).contains(&i) => {
                format!("self.{}", i - start)
            }
            HeapType::Concrete(UnpackedIndex::Module(i)) => match self.keys.get(i as usize) {
                Some(key) => format!("[{key}]"),
                // Validation rejects a forward reference; keep the index rather than panic.
                None => format!("module.{i}"),
            },
            HeapType::Concrete(UnpackedIndex::Id(id)) => format!("id.{id:?}"),
            other => format!("{other:?}"),
        };
        format!("(ref {null}{heap})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(params: Vec<ValType>, results: Vec<ValType>) -> FuncType {
        FuncType::new(params, results)
    }

    fn concrete(index: u32, nullable: bool) -> ValType {
        ValType::Ref(RefType::concrete(
            nullable,
            wasmparser::PackedIndex::from_module_index(index)
                .unwrap_or_else(|| unreachable!("small index")),
        ))
    }

    #[test]
    fn equal_signatures_have_equal_keys_and_positions_tell_group_members_apart() {
        let mut k = TypeKeys::default();
        k.add_group(&[func(vec![ValType::I32], vec![ValType::I64])]);
        k.add_group(&[func(vec![ValType::I32], vec![ValType::I64])]);
        k.add_group(&[
            func(vec![ValType::I32], vec![ValType::I64]),
            func(vec![], vec![]),
        ]);
        let keys = k.into_keys();
        assert_eq!(keys[0], keys[1]);
        assert_ne!(
            keys[0], keys[2],
            "a type in a larger rec group is another type"
        );
        assert_ne!(keys[2], keys[3]);
    }

    #[test]
    fn references_are_keyed_by_what_they_reference() {
        let mut k = TypeKeys::default();
        k.add_group(&[func(vec![ValType::I32], vec![])]); // 0
        k.add_group(&[func(vec![ValType::F32], vec![])]); // 1
        k.add_group(&[func(vec![concrete(0, true)], vec![])]); // 2: takes (ref null 0)
        k.add_group(&[func(vec![concrete(1, true)], vec![])]); // 3: takes (ref null 1)
        k.add_group(&[func(vec![concrete(0, false)], vec![])]); // 4: takes (ref 0)
        k.add_group(&[func(vec![concrete(5, true)], vec![])]); // 5: takes a reference to itself
        k.add_group(&[func(vec![ValType::I32], vec![])]); // 6: equal to 0
        k.add_group(&[func(vec![concrete(6, true)], vec![])]); // 7: equal to 2
        let keys = k.into_keys();
        assert_ne!(keys[2], keys[3]);
        assert_ne!(keys[2], keys[4]);
        assert_eq!(keys[2], keys[7]);
        assert!(keys[5].contains("self.0"));
    }
}
