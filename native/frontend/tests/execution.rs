//! Runs translated code with Cranelift's JIT on a minimal host written here: results match
//! Rust's own arithmetic, every metering mode computes the same thing, and the fuel `vanilla`
//! consumes is Wasmtime's count: one unit per executed operator of cost 1, plus one per call.

use std::collections::HashMap;

use cranelift_codegen::ir::{self, AbiParam, InstBuilder, UserExternalName, UserFuncName, types};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module, default_libcall_names};
use slackfuel_frontend::{
    ConstExpr, ExternKind, Metering, SegmentMode, TranslateOptions, ValueType, translate,
};

const BUILTIN_NAMESPACE: u32 = 805_306_368;
const BUDGET: i64 = 1 << 40;
/// The out-of-gas builtin must never run in these tests (every budget is ample).
const OUT_OF_GAS_STUB: &str =
    "function %out_of_gas(i64 vmctx) -> i8 tail {\nblock0(v0: i64):\n    trap user9\n}\n";
const NEW_EPOCH_STUB: &str = "function %new_epoch(i64 vmctx) -> i64 tail {\nblock0(v0: i64):\n    v1 = iconst.i64 -1\n    return v1\n}\n";

fn ir_type(t: ValueType) -> ir::Type {
    match t {
        ValueType::I32 => types::I32,
        ValueType::F32 => types::F32,
        ValueType::F64 => types::F64,
        _ => types::I64,
    }
}

struct Instance {
    _module: JITModule,
    entries: HashMap<String, (*const u8, usize, bool)>,
    vmctx: Vec<u64>,
    store: Vec<u64>,
    memory: Vec<u8>,
    _epoch: Box<u64>,
    _tables: Vec<u64>,
    _table_elements: Vec<u64>,
    _func_refs: Vec<u64>,
    _imports: Vec<u64>,
    _type_ids: Vec<u32>,
}

impl Instance {
    fn new(text: &str, metering: Metering) -> Instance {
        Self::with_host(text, metering, &[])
    }

    /// `host` holds one CLIF function (wasm signature, `tail`) per imported function.
    fn with_host(text: &str, metering: Metering, host: &[&str]) -> Instance {
        let wasm = wat::parse_str(text).expect("valid WAT");
        let options = TranslateOptions {
            metering,
            ..TranslateOptions::default()
        };
        let module = translate(&wasm, &options).expect("translates");
        assert_eq!(
            module.num_imported_functions as usize,
            host.len(),
            "one host function per import"
        );
        let layout = &module.layout;

        let mut flags = settings::builder();
        flags.set("opt_level", "speed").expect("flag");
        let isa = cranelift_native::builder()
            .expect("host ISA")
            .finish(settings::Flags::new(flags))
            .expect("ISA");
        let mut jit = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let mut ctx = jit.make_context();

        for (i, text) in host.iter().enumerate() {
            ctx.func = cranelift_reader::parse_functions(text)
                .expect("host function parses")
                .remove(0);
            let id = jit
                .declare_function(&format!("host{i}"), Linkage::Local, &ctx.func.signature)
                .expect("declare");
            assert_eq!(id.as_u32() as usize, i);
            jit.define_function(id, &mut ctx)
                .expect("define host function");
            jit.clear_context(&mut ctx);
        }
        let mut parsed = Vec::new();
        for f in &module.functions {
            let func = cranelift_reader::parse_functions(&f.clif)
                .expect("reparses")
                .remove(0);
            let id = jit
                .declare_function(&format!("wasm{}", f.index), Linkage::Local, &func.signature)
                .expect("declare");
            assert_eq!(id.as_u32(), f.index, "function ids follow wasm indices");
            parsed.push((id, func));
        }
        let mut builtins: HashMap<u32, FuncId> = HashMap::new();
        for (k, text) in [(12, OUT_OF_GAS_STUB), (13, NEW_EPOCH_STUB)] {
            let func = cranelift_reader::parse_functions(text)
                .expect("stub parses")
                .remove(0);
            let id = jit
                .declare_function(&format!("builtin{k}"), Linkage::Local, &func.signature)
                .expect("declare");
            ctx.func = func;
            jit.define_function(id, &mut ctx).expect("define stub");
            jit.clear_context(&mut ctx);
            builtins.insert(k, id);
        }
        for (id, mut func) in parsed {
            let names: Vec<_> = func
                .params
                .user_named_funcs()
                .iter()
                .map(|(r, n)| (r, n.clone()))
                .collect();
            for (r, name) in names {
                if name.namespace == BUILTIN_NAMESPACE {
                    let target = builtins
                        .get(&name.index)
                        .unwrap_or_else(|| panic!("no stub for builtin {}", name.index));
                    func.params
                        .reset_user_func_name(r, UserExternalName::new(0, target.as_u32()));
                }
            }
            ctx.func = func;
            jit.define_function(id, &mut ctx).expect("define");
            jit.clear_context(&mut ctx);
        }

        // Host-to-wasm trampolines (system_v, every value as i64) for each exported function.
        let mut trampolines = Vec::new();
        let mut fctx = FunctionBuilderContext::new();
        for export in module.exports.iter().filter(|e| e.kind == ExternKind::Func) {
            let ty = &module.types[module.function_types[export.index as usize] as usize];
            let mut sig = ir::Signature::new(CallConv::SystemV);
            sig.params.push(AbiParam::new(types::I64));
            sig.params
                .extend(ty.params.iter().map(|_| AbiParam::new(types::I64)));
            sig.returns.push(AbiParam::new(types::I64));
            let id = jit
                .declare_function(&format!("enter_{}", export.name), Linkage::Local, &sig)
                .expect("declare");
            ctx.func = ir::Function::with_name_signature(UserFuncName::user(1, id.as_u32()), sig);
            {
                let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                let block = b.create_block();
                b.append_block_params_for_function_params(block);
                b.switch_to_block(block);
                b.seal_block(block);
                let params = b.block_params(block).to_vec();
                let callee = jit.declare_func_in_func(FuncId::from_u32(export.index), b.func);
                let mut args = vec![params[0], params[0]];
                for (p, t) in params[1..].iter().zip(&ty.params) {
                    let v = match ir_type(*t) {
                        types::I32 => b.ins().ireduce(types::I32, *p),
                        types::F32 => {
                            let x = b.ins().ireduce(types::I32, *p);
                            b.ins().bitcast(types::F32, ir::MemFlagsData::new(), x)
                        }
                        types::F64 => b.ins().bitcast(types::F64, ir::MemFlagsData::new(), *p),
                        _ => *p,
                    };
                    args.push(v);
                }
                let call = b.ins().call(callee, &args);
                let results = b.inst_results(call).to_vec();
                let out = match (results.first(), ty.results.first()) {
                    (Some(r), Some(ValueType::I32)) => b.ins().sextend(types::I64, *r),
                    (Some(r), Some(ValueType::F64)) => {
                        b.ins().bitcast(types::I64, ir::MemFlagsData::new(), *r)
                    }
                    (Some(r), _) => *r,
                    (None, _) => b.ins().iconst(types::I64, 0),
                };
                b.ins().return_(&[out]);
                b.finalize(jit.isa().frontend_config());
            }
            jit.define_function(id, &mut ctx)
                .expect("define trampoline");
            jit.clear_context(&mut ctx);
            trampolines.push((export.name.clone(), id, ty.params.len()));
        }
        jit.finalize_definitions().expect("finalize");

        let pages = module.memories.first().map_or(0, |m| m.min_pages as usize);
        let mut memory = vec![0u8; pages * 65536];
        for d in &module.data_segments {
            if let SegmentMode::Active {
                offset: ConstExpr::I32Const { value },
                ..
            } = &d.mode
            {
                let bytes: Vec<u8> = (0..d.bytes_hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&d.bytes_hex[i..i + 2], 16).expect("hex"))
                    .collect();
                memory[*value as usize..*value as usize + bytes.len()].copy_from_slice(&bytes);
            }
        }
        let mut vmctx = vec![0u64; (layout.globals as usize + 8 * module.globals.len()) / 8 + 1];
        let mut store = vec![0u64; 8];
        store[0] = (-BUDGET) as u64;
        store[1] = u64::MAX; // epoch deadline
        let epoch = Box::new(0u64);
        // Func-ref records for every function: code, vmctx, canonical type id.
        let mut func_refs = vec![0u64; 3 * module.function_types.len()];
        let vmctx_addr = vmctx.as_mut_ptr() as u64;
        for (i, t) in module.function_types.iter().enumerate() {
            func_refs[3 * i] = jit.get_finalized_function(FuncId::from_u32(i as u32)) as u64;
            func_refs[3 * i + 1] = vmctx_addr;
            func_refs[3 * i + 2] = u64::from(module.canonical_type_ids[*t as usize]);
        }
        let refs_addr = func_refs.as_ptr() as u64;
        let mut table_elements = Vec::new();
        let mut tables = Vec::new();
        if let Some(t) = module.tables.first() {
            table_elements = vec![0u64; t.min as usize];
            for e in &module.element_segments {
                if let SegmentMode::Active {
                    index: 0,
                    offset: ConstExpr::I32Const { value },
                } = &e.mode
                {
                    for (k, item) in e.items.iter().enumerate() {
                        if let ConstExpr::RefFunc { index } = item {
                            table_elements[*value as usize + k] =
                                refs_addr + 24 * u64::from(*index);
                        }
                    }
                }
            }
            tables = vec![table_elements.as_ptr() as u64, table_elements.len() as u64];
        }
        for (i, g) in module.globals.iter().enumerate() {
            if let Some(ConstExpr::I32Const { value }) = &g.init {
                vmctx[(layout.globals as usize) / 8 + i] = *value as u32 as u64;
            }
        }
        let word = |off: u32| (off / 8) as usize;
        vmctx[word(layout.store_context_pointer)] = store.as_ptr() as u64;
        vmctx[word(layout.epoch_counter_pointer)] = &*epoch as *const u64 as u64;
        vmctx[word(layout.memory_base)] = memory.as_mut_ptr() as u64;
        vmctx[word(layout.memory_bound)] = memory.len() as u64;
        vmctx[word(layout.tables_pointer)] = tables.as_ptr() as u64;
        vmctx[word(layout.func_refs_pointer)] = refs_addr;
        // One module alone: its own canonical ids serve as the store's type ids.
        let type_ids: Vec<u32> = module.canonical_type_ids.clone();
        vmctx[word(layout.type_ids_pointer)] = type_ids.as_ptr() as u64;
        let imports: Vec<u64> = (0..host.len())
            .flat_map(|i| {
                [
                    jit.get_finalized_function(FuncId::from_u32(i as u32)) as u64,
                    vmctx_addr,
                ]
            })
            .collect();
        vmctx[word(layout.imported_functions_pointer)] = imports.as_ptr() as u64;
        let entries = trampolines
            .into_iter()
            .map(|(name, id, arity)| (name, (jit.get_finalized_function(id), arity, true)))
            .collect();
        Instance {
            _module: jit,
            entries,
            vmctx,
            store,
            memory,
            _epoch: epoch,
            _tables: tables,
            _table_elements: table_elements,
            _func_refs: func_refs,
            _imports: imports,
            _type_ids: type_ids,
        }
    }

    /// Calls an export; returns its result (0 when it has none) and the fuel it consumed.
    fn call(&mut self, name: &str, args: &[i64]) -> (i64, i64) {
        let (code, arity, _) = self.entries[name];
        assert_eq!(arity, args.len(), "{name} arity");
        let before = self.store[0] as i64;
        let vmctx = self.vmctx.as_mut_ptr();
        // SAFETY: `code` is a finalized trampoline of the signature below; the instance owns every
        // structure the generated code reads through vmctx.
        let result = unsafe {
            match args {
                [] => std::mem::transmute::<*const u8, extern "C" fn(*mut u64) -> i64>(code)(vmctx),
                [a] => std::mem::transmute::<*const u8, extern "C" fn(*mut u64, i64) -> i64>(code)(
                    vmctx, *a,
                ),
                [a, b] => {
                    std::mem::transmute::<*const u8, extern "C" fn(*mut u64, i64, i64) -> i64>(code)(
                        vmctx, *a, *b,
                    )
                }
                _ => panic!("up to two arguments"),
            }
        };
        (result, self.store[0] as i64 - before)
    }
}

/// Runs `name(args)` in every mode; checks the modes agree and returns (result, vanilla fuel).
fn run(text: &str, name: &str, args: &[i64]) -> (i64, i64) {
    let (none, fuel_none) = Instance::new(text, Metering::None).call(name, args);
    let (epoch, fuel_epoch) = Instance::new(text, Metering::Epoch).call(name, args);
    let (vanilla, fuel) = Instance::new(text, Metering::Vanilla).call(name, args);
    assert_eq!(
        (none, epoch),
        (vanilla, vanilla),
        "{name}{args:?}: modes disagree"
    );
    assert_eq!(
        (fuel_none, fuel_epoch),
        (0, 0),
        "only vanilla touches the counter"
    );
    (vanilla, fuel)
}

#[test]
fn loop_fuel_is_one_plus_five_per_iteration() {
    let text = r#"(module (func (export "count") (param i32)
        (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))"#;
    for n in [1i64, 2, 10, 1000] {
        let (_, fuel) = run(text, "count", &[n]);
        assert_eq!(fuel, 1 + 5 * n, "n = {n}");
    }
}

#[test]
fn recursive_fib_result_and_fuel() {
    let text = r#"(module (func $fib (export "fib") (param i32) (result i32)
        (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
          (then (local.get 0))
          (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                         (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#;
    // Executed operators of cost 1 plus one per entry: 6 for n < 2, 14 + the two calls otherwise.
    fn expected(n: i64) -> (i64, i64) {
        if n < 2 {
            (n, 6)
        } else {
            let (a, fa) = expected(n - 1);
            let (b, fb) = expected(n - 2);
            (a + b, 14 + fa + fb)
        }
    }
    for n in [0i64, 1, 2, 5, 15] {
        assert_eq!(run(text, "fib", &[n]), expected(n), "fib({n})");
    }
}

#[test]
fn memory_loads_stores_and_data_segments() {
    let text = r#"(module (memory 1)
        (data (i32.const 300) "\2a\00\00\80")
        (func (export "mem") (param i32) (result i64)
          (i32.store8 (i32.const 100) (local.get 0))
          (i64.store (i32.const 200) (i64.const -2))
          (i64.add (i64.load8_s (i32.const 100))
            (i64.add (i64.load32_u (i32.const 200))
              (i64.add (i64.extend_i32_u (i32.load16_s (i32.const 200)))
                       (i64.load32_s (i32.const 300)))))))"#;
    for p in [0x80i64, 0x7f, 3] {
        let expected = i64::from(p as u8 as i8)
            + 0xFFFF_FFFEi64
            + 0xFFFF_FFFEi64
            + i64::from(i32::from_le_bytes([0x2a, 0, 0, 0x80]));
        assert_eq!(run(text, "mem", &[p]).0, expected, "p = {p}");
    }
    let mut inst = Instance::new(text, Metering::Vanilla);
    inst.call("mem", &[0x55]);
    assert_eq!(inst.memory[100], 0x55);
    assert_eq!(&inst.memory[200..208], &(-2i64).to_le_bytes());
}

#[test]
fn integer_and_float_arithmetic_match_rust() {
    let text = r#"(module (func (export "arith") (param i64 i64) (result i64)
        (i64.add (i64.rotl (local.get 0) (local.get 1)) (i64.div_s (local.get 0) (i64.const -7)))
        (i64.xor (i64.extend_i32_s (i32.trunc_sat_f64_s (f64.mul (f64.convert_i64_s (local.get 0)) (f64.const 1.5)))))
        (i64.add (i64.clz (local.get 0)))
        (i64.sub (i64.extend_i32_s (i32.extend8_s (i32.wrap_i64 (local.get 1)))))
        (i64.add (i64.rem_u (local.get 0) (i64.const 1000)))
        (i64.add (i64.extend_i32_u (i32.popcnt (i32.wrap_i64 (local.get 0)))))
        (i64.add (i64.trunc_f64_s (f64.nearest (f64.div (f64.convert_i64_s (local.get 1)) (f64.const 2)))))))"#;
    for (x, y) in [
        (123_456_789i64, 13i64),
        (-5, 200),
        (i64::MAX, 63),
        (0, -129),
    ] {
        let sat = ((x as f64) * 1.5) as i32;
        let nearest = {
            let v = (y as f64) / 2.0;
            let r = v.round();
            if (v - v.trunc()).abs() == 0.5 {
                2.0 * (v / 2.0).round()
            } else {
                r
            }
        };
        let expected = (x.rotate_left((y & 63) as u32).wrapping_add(x / -7) ^ i64::from(sat))
            .wrapping_add(i64::from(x.leading_zeros()))
            .wrapping_sub(i64::from(y as u8 as i8))
            .wrapping_add(((x as u64) % 1000) as i64)
            .wrapping_add(i64::from((x as u32).count_ones()))
            .wrapping_add(nearest as i64);
        assert_eq!(run(text, "arith", &[x, y]).0, expected, "x = {x}, y = {y}");
    }
}

#[test]
fn call_indirect_through_a_table_and_globals() {
    let text = r#"(module
        (type $t (func (param i32) (result i32)))
        (table 2 funcref)
        (elem (i32.const 0) $dbl $inc)
        (global $calls (mut i32) (i32.const 40))
        (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
        (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
        (func (export "ind") (param i32) (result i32)
          (global.set $calls (i32.add (global.get $calls) (i32.const 2)))
          (call_indirect (type $t) (call_indirect (type $t) (local.get 0) (i32.const 0)) (i32.const 1)))
        (func (export "calls") (result i32) (global.get $calls)))"#;
    // ind: 4 (global update) + 5 (the two calls' operands and the calls) + 1 entry; each callee 3 + 1.
    assert_eq!(run(text, "ind", &[20]), (41, 18));
    let mut inst = Instance::new(text, Metering::Vanilla);
    inst.call("ind", &[1]);
    inst.call("ind", &[1]);
    assert_eq!(inst.call("calls", &[]).0, 44);
}

#[test]
fn multi_value_blocks_br_table_and_select() {
    let text = r#"(module
        (func $pair (param i32) (result i32 i32) (local.get 0) (i32.mul (local.get 0) (i32.const 3)))
        (func (export "pick") (param i32) (result i32)
          (block $c (result i32)
            (block $b (result i32)
              (block $a (result i32)
                (br_table $a $b $c (i32.const 100) (local.get 0)))
              (i32.add (i32.const 1))
              (br $c))
            (i32.add (i32.const 2)))
          (call $pair (local.get 0))
          (i32.sub)
          (i32.add)
          (select (i32.const 7) (i32.const 9) (i32.eqz (local.get 0)))
          (i32.add)))"#;
    for x in [0i64, 1, 2, 3, 50] {
        let base = match x {
            0 => 101,
            1 => 102,
            _ => 100,
        };
        let expected = base + (x - 3 * x) + if x == 0 { 7 } else { 9 };
        assert_eq!(run(text, "pick", &[x]).0, expected, "x = {x}");
    }
}

#[test]
fn fuel_through_if_without_else_and_nested_exits() {
    let text = r#"(module (func (export "odd_sum") (param i32) (result i32) (local i32)
        (block $out
          (loop $l
            (br_if $out (i32.eqz (local.get 0)))
            (if (i32.and (local.get 0) (i32.const 1))
              (then (local.set 1 (i32.add (local.get 1) (local.get 0)))))
            (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
            (br $l)))
        (local.get 1)))"#;
    for n in [0i64, 1, 2, 7, 100] {
        let sum: i64 = (1..=n).filter(|x| x % 2 == 1).sum();
        // Entry 1; per iteration 12, plus 4 on odd values; the exit test 3; the final get 1.
        let fuel = 5 + 12 * n + 4 * ((n + 1) / 2);
        assert_eq!(run(text, "odd_sum", &[n]), (sum, fuel), "n = {n}");
    }
}

#[test]
fn dead_code_costs_nothing() {
    let text = r#"(module (func (export "dead") (result i32)
        (block (result i32) (br 0 (i32.const 5)) (drop) (i32.const 6) (i32.add (i32.const 1)))))"#;
    assert_eq!(run(text, "dead", &[]), (5, 3));
}

#[test]
fn imported_functions_are_called_through_their_records() {
    let text = r#"(module
        (import "env" "triple" (func $triple (param i32) (result i32)))
        (func (export "f") (param i32) (result i32)
          (i32.add (call $triple (local.get 0)) (i32.const 1))))"#;
    // The host function gets its own vmctx first and the caller's second, then the arguments.
    let triple = "function %triple(i64 vmctx, i64, i32) -> i32 tail {\nblock0(v0: i64, v1: i64, v2: i32):\n    v3 = iconst.i32 3\n    v4 = imul v2, v3\n    return v4\n}\n";
    for metering in [Metering::None, Metering::Vanilla, Metering::Epoch] {
        let mut inst = Instance::with_host(text, metering, &[triple]);
        let (result, fuel) = inst.call("f", &[14]);
        assert_eq!(result, 43);
        // local.get, call, i32.const, i32.add, plus the entry; the host function charges nothing.
        assert_eq!(fuel, if metering == Metering::Vanilla { 5 } else { 0 });
    }
}

#[test]
fn conversions_at_their_edges() {
    let text = r#"(module
        (func (export "u32_of") (param i64) (result i32) (i32.trunc_f64_u (f64.reinterpret_i64 (local.get 0))))
        (func (export "s32_of") (param i64) (result i32) (i32.trunc_f64_s (f64.reinterpret_i64 (local.get 0))))
        (func (export "sat_s") (param i64) (result i32) (i32.trunc_sat_f64_s (f64.reinterpret_i64 (local.get 0))))
        (func (export "sat_u") (param i64) (result i64) (i64.trunc_sat_f64_u (f64.reinterpret_i64 (local.get 0))))
        (func (export "min") (param i64 i64) (result i64)
          (i64.reinterpret_f64 (f64.min (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1))))))"#;
    let bits = |x: f64| x.to_bits() as i64;
    assert_eq!(run(text, "u32_of", &[bits(-0.9)]).0, 0);
    assert_eq!(
        run(text, "u32_of", &[bits(4294967295.9)]).0,
        -1,
        "u32::MAX, sign-extended by the trampoline"
    );
    assert_eq!(
        run(text, "s32_of", &[bits(-2147483648.9)]).0,
        i64::from(i32::MIN)
    );
    assert_eq!(
        run(text, "s32_of", &[bits(2147483647.9)]).0,
        i64::from(i32::MAX)
    );
    assert_eq!(run(text, "sat_s", &[bits(f64::NAN)]).0, 0);
    assert_eq!(
        run(text, "sat_s", &[bits(f64::NEG_INFINITY)]).0,
        i64::from(i32::MIN)
    );
    assert_eq!(run(text, "sat_s", &[bits(1e10)]).0, i64::from(i32::MAX));
    assert_eq!(run(text, "sat_u", &[bits(-5.0)]).0, 0);
    assert_eq!(run(text, "sat_u", &[bits(1e30)]).0, -1, "u64::MAX");
    assert_eq!(run(text, "min", &[bits(0.0), bits(-0.0)]).0, bits(-0.0));
    assert!(f64::from_bits(run(text, "min", &[bits(f64::NAN), bits(1.0)]).0 as u64).is_nan());
}
