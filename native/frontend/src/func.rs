//! One wasm function body to CLIF, with the metering Wasmtime emits.

use std::collections::HashMap;

use cranelift_codegen::entity::packed_option::ReservedValue;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64, Offset32};
use cranelift_codegen::ir::types::{F32, F64, I8, I8X16, I16, I32, I64};
use cranelift_codegen::ir::{
    self, AbiParam, AliasRegion, AliasRegionData, ArgumentPurpose, Block, BlockCall, Endianness,
    ExtFuncData, ExternalName, FuncRef, Function, GlobalValueData, InstBuilder, InstructionData,
    JumpTableData, MemFlagsData, Opcode, SigRef, Signature, TrapCode, UserExternalName,
    UserFuncName, Value, ValueDef,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use wasmparser::{
    BlockType, FuncValidator, FunctionBody, MemArg, Operator, ValType, ValidatorResources,
};

use crate::builtins::{BUILTIN_NAMESPACE, Builtin};
use crate::cost::FuelCosts;
use crate::error::TranslateError;
use crate::layout::VmctxLayout;
use crate::metadata::{ConstExpr, TrapCodeInfo};
use crate::module::ModuleInfo;
use crate::options::{Metering, TranslateOptions};

mod simd;

pub(crate) use simd::SimdTarget;

/// `unreachable` executed.
pub(crate) const TRAP_UNREACHABLE: TrapCode = TrapCode::unwrap_user(1);
/// Table index out of bounds (table.get/set, call_indirect).
pub(crate) const TRAP_TABLE_OOB: TrapCode = TrapCode::unwrap_user(2);
/// call_indirect through a null entry.
pub(crate) const TRAP_ICALL_NULL: TrapCode = TrapCode::unwrap_user(3);
/// call_indirect signature mismatch.
pub(crate) const TRAP_BAD_SIG: TrapCode = TrapCode::unwrap_user(4);
/// A builtin reported failure; the runtime knows which trap it recorded.
pub(crate) const TRAP_HOST: TrapCode = TrapCode::unwrap_user(5);
/// `call_ref`, `return_call_ref` or `ref.as_non_null` on a null reference (Wasmtime's
/// `Trap::NullReference`; `call_indirect` through a null entry stays `indirect_call_to_null`).
pub(crate) const TRAP_NULL_REFERENCE: TrapCode = TrapCode::unwrap_user(6);

pub(crate) fn trap_code_table() -> Vec<TrapCodeInfo> {
    vec![
        TrapCodeInfo {
            code: "user1",
            trap: "unreachable",
        },
        TrapCodeInfo {
            code: "user2",
            trap: "table_out_of_bounds",
        },
        TrapCodeInfo {
            code: "user3",
            trap: "indirect_call_to_null",
        },
        TrapCodeInfo {
            code: "user4",
            trap: "bad_signature",
        },
        TrapCodeInfo {
            code: "user5",
            trap: "builtin",
        },
        TrapCodeInfo {
            code: "user6",
            trap: "null_reference",
        },
        TrapCodeInfo {
            code: "heap_oob",
            trap: "memory_out_of_bounds",
        },
        TrapCodeInfo {
            code: "int_divz",
            trap: "integer_division_by_zero",
        },
        TrapCodeInfo {
            code: "int_ovf",
            trap: "integer_overflow",
        },
        TrapCodeInfo {
            code: "bad_toint",
            trap: "bad_conversion_to_integer",
        },
        TrapCodeInfo {
            code: "stk_ovf",
            trap: "stack_overflow",
        },
    ]
}

/// Flags for vmctx and runtime-record accesses (never trap, always aligned).
fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Flags for linear-memory accesses: the access itself may fault (the guard region, or the
/// null address a failed explicit check selects), so it carries the heap trap code and
/// Cranelift records it in the trap table; wasm is little-endian. `region` is the function's
/// linear-memory alias region: a store to linear memory cannot change the vmctx or the
/// runtime records, so Cranelift keeps the memory base (and other vmctx loads) across it
/// instead of treating the store as a fence and loading them again, as Wasmtime's memories
/// have alias regions of their own.
fn heap_flags(region: AliasRegion) -> MemFlagsData {
    MemFlagsData::new()
        .with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
        .with_endianness(Endianness::Little)
        .with_alias_region(Some(region))
}

/// The `user_id` of the linear-memory alias region (unique within a function, which is all
/// Cranelift needs without inlining).
const LINEAR_MEMORY_REGION: u32 = 0;

/// The CLIF type of a wasm value type: a reference is a pointer (a func-ref record, or the
/// externref's bits); a GC reference (a local or block type may name one without any GC type
/// definition) is refused as `gc` at `offset`.
pub(crate) fn ir_type(ty: ValType, offset: u64) -> Result<ir::Type, TranslateError> {
    Ok(match ty {
        ValType::I32 => I32,
        ValType::I64 => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
        ValType::Ref(r) => {
            crate::module::value_type(ValType::Ref(r), offset)?;
            I64
        }
        // v128 travels as I8X16 and is bitcast to the lane type an operator needs (Wasmtime's
        // convention).
        ValType::V128 => I8X16,
    })
}

/// The CLIF signature of a wasm function type: `(vmctx, caller vmctx, params...) -> results`.
pub(crate) fn wasm_signature(
    ty: &wasmparser::FuncType,
    offset: u64,
) -> Result<Signature, TranslateError> {
    let mut sig = Signature::new(CallConv::Tail);
    sig.params
        .push(AbiParam::special(I64, ArgumentPurpose::VMContext));
    sig.params.push(AbiParam::new(I64));
    for p in ty.params() {
        sig.params.push(AbiParam::new(ir_type(*p, offset)?));
    }
    for r in ty.results() {
        sig.returns.push(AbiParam::new(ir_type(*r, offset)?));
    }
    Ok(sig)
}

enum FrameKind {
    Block,
    Loop {
        header: Block,
    },
    If {
        else_block: Block,
        else_seen: bool,
        params: Vec<Value>,
    },
}

struct Frame {
    kind: FrameKind,
    /// The block after `end`; its parameters are the frame's results.
    dest: Block,
    num_params: usize,
    num_results: usize,
    /// Operand-stack height below the frame's parameters.
    stack_base: usize,
    /// Some edge (fallthrough or branch) reaches `dest`.
    dest_reached: bool,
    /// False for frames opened in unreachable code: they have no blocks.
    live: bool,
}

struct Translator<'a, 'f> {
    b: FunctionBuilder<'f>,
    info: &'a ModuleInfo,
    layout: &'a VmctxLayout,
    metering: Metering,
    dynamic_bulk_cost: bool,
    costs: &'a FuelCosts,
    vmctx: Value,
    store_ctx: Option<Value>,
    stack: Vec<Value>,
    frames: Vec<Frame>,
    reachable: bool,
    locals: Vec<Variable>,
    fuel_var: Option<Variable>,
    fuel_pending: i64,
    epoch_deadline_var: Option<Variable>,
    epoch_ptr_var: Option<Variable>,
    /// Bytes of guard behind a full 4 GiB reservation, when the runtime reserves one: accesses
    /// whose `offset + size` fit it need no explicit bounds check. None: check every access.
    guard_bytes: Option<u64>,
    func_refs: HashMap<u32, FuncRef>,
    sig_refs: HashMap<u32, SigRef>,
    builtin_refs: HashMap<Builtin, FuncRef>,
    offset: u64,
    /// How relaxed SIMD and ISA-dependent vector operators lower (Wasmtime's choices).
    simd: SimdTarget,
    /// The alias region of every linear-memory access (all memories share it).
    heap_region: AliasRegion,
    /// Memory bases are loaded `can_move` (TranslateOptions::hoist_memory_base).
    hoist_memory_base: bool,
}

/// The operator's name as wasmparser spells it (`I32x4Add`).
fn operator_name(op: &Operator<'_>) -> String {
    format!("{op:?}")
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn unsupported_op(op: &Operator<'_>, offset: u64) -> TranslateError {
    let name = operator_name(op);
    let simd_prefixes = ["V128", "I8x16", "I16x8", "I32x4", "I64x2", "F32x4", "F64x2"];
    let feature = if simd_prefixes.iter().any(|p| name.starts_with(p)) {
        "simd"
    } else if name.contains("Atomic") {
        "threads"
    } else if ["Try", "Catch", "Throw", "Rethrow", "Delegate"]
        .iter()
        .any(|p| name.starts_with(p))
    {
        "exceptions"
    } else if [
        "Struct",
        "Array",
        "I31",
        "RefI31",
        "RefTest",
        "RefCast",
        "BrOnCast",
        "RefEq",
        "AnyConvert",
        "ExternConvert",
    ]
    .iter()
    .any(|p| name.starts_with(p))
    {
        "gc"
    } else {
        "instruction"
    };
    TranslateError::unsupported(feature, name, offset)
}

pub(crate) fn translate_function(
    info: &ModuleInfo,
    options: &TranslateOptions,
    index: u32,
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
    ctx: &mut FunctionBuilderContext,
    rewrite: Option<&crate::FunctionRewrite<'_>>,
) -> Result<String, TranslateError> {
    let type_index = info.function_types[index as usize];
    let fty = &info.types[type_index as usize];
    let body_offset = body.range().start;
    let sig = wasm_signature(fty, body_offset)?;
    let mut func = Function::with_name_signature(UserFuncName::user(0, index), sig);
    let layout = &options.layout;
    if let Some(limit) = layout.stack_limit {
        let vmctx_gv = func.create_global_value(GlobalValueData::VMContext);
        let ro = func
            .dfg
            .mem_flags
            .insert_unchecked(trusted().with_readonly());
        let store = func.create_global_value(GlobalValueData::Load {
            base: vmctx_gv,
            offset: Offset32::new(layout.store_context_pointer as i32),
            global_type: I64,
            flags: ro,
        });
        let plain = func.dfg.mem_flags.insert_unchecked(trusted());
        let limit_gv = func.create_global_value(GlobalValueData::Load {
            base: store,
            offset: Offset32::new(limit as i32),
            global_type: I64,
            flags: plain,
        });
        func.stack_limit = Some(limit_gv);
    }
    let heap_region = func.dfg.alias_regions.insert(AliasRegionData {
        user_id: LINEAR_MEMORY_REGION,
        description: "linear memory".into(),
    });
    {
        let mut b = FunctionBuilder::new(&mut func, ctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.seal_block(entry);
        let params = b.block_params(entry).to_vec();
        let vmctx = params[0];
        let mut t = Translator {
            b,
            info,
            layout,
            metering: options.metering,
            dynamic_bulk_cost: options.dynamic_bulk_cost,
            costs: &options.fuel_costs,
            vmctx,
            store_ctx: None,
            stack: Vec::new(),
            frames: Vec::new(),
            reachable: true,
            locals: Vec::new(),
            fuel_var: None,
            fuel_pending: 0,
            epoch_deadline_var: None,
            epoch_ptr_var: None,
            guard_bytes: (options.memory_reservation >= 1 << 32)
                .then_some(options.memory_guard_size),
            func_refs: HashMap::new(),
            sig_refs: HashMap::new(),
            builtin_refs: HashMap::new(),
            offset: body_offset,
            simd: SimdTarget::new(options.relaxed_simd_deterministic),
            heap_region,
            hoist_memory_base: options.hoist_memory_base,
        };
        for (i, p) in fty.params().iter().enumerate() {
            let var = t.b.declare_var(ir_type(*p, body_offset)?);
            t.b.def_var(var, params[2 + i]);
            t.locals.push(var);
        }
        let exit = t.b.create_block();
        t.b.append_block_params_for_function_returns(exit);
        let mut locals = body.get_locals_reader()?;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read()?;
            validator.define_locals(offset, count, ty)?;
            let cty = ir_type(ty, offset)?;
            for _ in 0..count {
                let var = t.b.declare_var(cty);
                let zero = t.zero(cty);
                t.b.def_var(var, zero);
                t.locals.push(var);
            }
        }
        t.frames.push(Frame {
            kind: FrameKind::Block,
            dest: exit,
            num_params: 0,
            num_results: fty.results().len(),
            stack_base: 0,
            dest_reached: false,
            live: true,
        });
        t.function_entry();

        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset()?;
            validator.op(offset, &op)?;
            t.offset = offset;
            t.operator(&op)?;
        }
        reader.finish()?;
        if t.reachable {
            t.fuel_store();
            let results = std::mem::take(&mut t.stack);
            t.b.ins().return_(&results);
        }
        t.b.seal_all_blocks();
        t.b.finalize(frontend_config());
    }
    // SSA construction leaves value aliases; print without them, as Wasmtime's dumps are.
    func.dfg.resolve_all_aliases();
    if let Some(rewrite) = rewrite {
        rewrite(index, &mut func).map_err(|message| TranslateError::Rewrite { message, index })?;
    }
    Ok(func.display().to_string())
}

impl<'a, 'f> Translator<'a, 'f> {
    // ---------- helpers ----------

    fn zero(&mut self, ty: ir::Type) -> Value {
        match ty {
            F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
            F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
            I8X16 => self.vconst(I8X16, &[0; 16]),
            _ => self.b.ins().iconst(ty, 0),
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated operand stack")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let y = self.pop();
        let x = self.pop();
        (x, y)
    }

    fn pop3(&mut self) -> (Value, Value, Value) {
        let z = self.pop();
        let (x, y) = self.pop2();
        (x, y, z)
    }

    fn peek_n(&self, n: usize) -> &[Value] {
        &self.stack[self.stack.len() - n..]
    }

    fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        self.stack.split_off(at)
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn load_vmctx(&mut self, ty: ir::Type, offset: i64) -> Value {
        let vmctx = self.vmctx;
        self.load_at(ty, vmctx, offset)
    }

    fn load_at(&mut self, ty: ir::Type, base: Value, offset: i64) -> Value {
        if let Ok(off) = i32::try_from(offset) {
            self.b.ins().load(ty, trusted(), base, off)
        } else {
            let addr = self.b.ins().iadd_imm_s(base, offset);
            self.b.ins().load(ty, trusted(), addr, 0)
        }
    }

    fn store_at(&mut self, value: Value, base: Value, offset: i64) {
        if let Ok(off) = i32::try_from(offset) {
            self.b.ins().store(trusted(), value, base, off);
        } else {
            let addr = self.b.ins().iadd_imm_s(base, offset);
            self.b.ins().store(trusted(), value, addr, 0);
        }
    }

    fn store_ctx(&mut self) -> Value {
        if let Some(v) = self.store_ctx {
            return v;
        }
        let vmctx = self.vmctx;
        let flags = trusted().with_readonly().with_can_move();
        let v = self
            .b
            .ins()
            .load(I64, flags, vmctx, self.layout.store_context_pointer as i32);
        self.store_ctx = Some(v);
        v
    }

    fn block_types(&self, bt: BlockType) -> Result<(Vec<ir::Type>, Vec<ir::Type>), TranslateError> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (vec![], vec![ir_type(t, self.offset)?]),
            BlockType::FuncType(i) => {
                let f = &self.info.types[i as usize];
                let p = f
                    .params()
                    .iter()
                    .map(|t| ir_type(*t, self.offset))
                    .collect::<Result<_, _>>()?;
                let r = f
                    .results()
                    .iter()
                    .map(|t| ir_type(*t, self.offset))
                    .collect::<Result<_, _>>()?;
                (p, r)
            }
        })
    }

    fn block_with_params(&mut self, tys: &[ir::Type]) -> Block {
        let block = self.b.create_block();
        for ty in tys {
            self.b.append_block_param(block, *ty);
        }
        block
    }

    fn builtin(&mut self, builtin: Builtin) -> FuncRef {
        if let Some(f) = self.builtin_refs.get(&builtin) {
            return *f;
        }
        let sig = self.b.import_signature(builtin.signature());
        let name = self
            .b
            .func
            .declare_imported_user_function(UserExternalName::new(
                BUILTIN_NAMESPACE,
                builtin.index(),
            ));
        let f = self.b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature: sig,
            colocated: true,
            patchable: false,
        });
        self.builtin_refs.insert(builtin, f);
        f
    }

    fn call_builtin(&mut self, builtin: Builtin, args: &[Value]) -> Option<Value> {
        let f = self.builtin(builtin);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        // Memory and table builtins: the counter is stored before and reloaded after, as around
        // calls (Wasmtime does neither; the fuel is the same). The fuel passes then see every
        // call that may observe the counter in memory followed by a reload, and a trap inside
        // the builtin sees the exact counter.
        let metered_call = !matches!(builtin, Builtin::OutOfGas | Builtin::NewEpoch);
        if metered_call {
            self.fuel_store();
        }
        let call = self.b.ins().call(f, &all);
        let result = self.b.inst_results(call).first().copied();
        if metered_call {
            self.fuel_load();
        }
        result
    }

    /// Calls a fallible builtin and traps when it reports failure.
    fn call_fallible(&mut self, builtin: Builtin, args: &[Value]) {
        let ok = self
            .call_builtin(builtin, args)
            .expect("fallible builtins return a status");
        self.b.ins().trapz(ok, TRAP_HOST);
    }

    fn sig_for_type(&mut self, type_index: u32) -> Result<SigRef, TranslateError> {
        if let Some(s) = self.sig_refs.get(&type_index) {
            return Ok(*s);
        }
        let sig = wasm_signature(&self.info.types[type_index as usize], self.offset)?;
        let s = self.b.import_signature(sig);
        self.sig_refs.insert(type_index, s);
        Ok(s)
    }

    fn func_ref(&mut self, index: u32) -> Result<FuncRef, TranslateError> {
        if let Some(f) = self.func_refs.get(&index) {
            return Ok(*f);
        }
        let sig = self.sig_for_type(self.info.function_types[index as usize])?;
        let name = self
            .b
            .func
            .declare_imported_user_function(UserExternalName::new(0, index));
        let f = self.b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature: sig,
            colocated: true,
            patchable: false,
        });
        self.func_refs.insert(index, f);
        Ok(f)
    }

    fn const_i32(&mut self, v: u32) -> Value {
        self.b.ins().iconst(I32, i64::from(v))
    }

    fn bool_to_i32(&mut self, c: Value) -> Value {
        self.b.ins().uextend(I32, c)
    }

    // ---------- metering ----------

    fn function_entry(&mut self) {
        match self.metering {
            Metering::None => {}
            Metering::Vanilla => {
                let var = self.b.declare_var(I64);
                self.fuel_var = Some(var);
                self.fuel_load();
                self.fuel_pending = 1;
                self.fuel_check();
            }
            Metering::Epoch => {
                let deadline = self.b.declare_var(I64);
                let ptr_var = self.b.declare_var(I64);
                self.epoch_deadline_var = Some(deadline);
                self.epoch_ptr_var = Some(ptr_var);
                let ptr = self.load_vmctx(I64, i64::from(self.layout.epoch_counter_pointer));
                self.b.def_var(ptr_var, ptr);
                let cont = self.b.create_block();
                let cur = self.epoch_load_current();
                self.epoch_check_full(cur, cont);
            }
        }
    }

    /// A memory's base, loaded where it is used: the base never moves (one reservation for the
    /// memory's life), so the load is `readonly` and Cranelift merges the loads of a function;
    /// a function that never touches memory loads nothing. `can_move` when asked
    /// (`hoist_memory_base`, Wasmtime's choice): Cranelift then hoists the base out of every
    /// loop and holds it in a register throughout.
    /// Memory 0 sits in the vmctx itself; the others are reached through the memory records,
    /// whose address never changes either.
    fn memory_base(&mut self, mem: u32) -> Value {
        let (addr, offset) = match mem {
            0 => (self.vmctx, i64::from(self.layout.memory_base)),
            _ => self.memory_record(mem, self.layout.memory_record_base),
        };
        let ro = if self.hoist_memory_base {
            trusted().with_readonly().with_can_move()
        } else {
            trusted().with_readonly()
        };
        match i32::try_from(offset) {
            Ok(off) => self.b.ins().load(I64, ro, addr, off),
            Err(_) => {
                let at = self.b.ins().iadd_imm_s(addr, offset);
                self.b.ins().load(I64, ro, at, 0)
            }
        }
    }

    /// A memory's current length in bytes, loaded where it is used (so it is current after any
    /// call or `memory.grow`).
    fn memory_length(&mut self, mem: u32) -> Value {
        match mem {
            0 => self.load_vmctx(I64, i64::from(self.layout.memory_bound)),
            _ => {
                let (rec, off) = self.memory_record(mem, self.layout.memory_record_length);
                self.load_at(I64, rec, off)
            }
        }
    }

    /// The record array's address and the offset of `field` of memory `mem`'s record in it. The
    /// array is allocated once per instance, so its pointer is `readonly` like the base.
    fn memory_record(&mut self, mem: u32, field: u32) -> (Value, i64) {
        let vmctx = self.vmctx;
        let ptr = i32::try_from(self.layout.memories_pointer).unwrap_or(i32::MAX);
        let records = self
            .b
            .ins()
            .load(I64, trusted().with_readonly(), vmctx, ptr);
        (
            records,
            i64::from(mem) * i64::from(self.layout.memory_stride) + i64::from(field),
        )
    }

    fn fuel_addr(&mut self) -> (Value, i32) {
        (self.store_ctx(), self.layout.fuel_consumed as i32)
    }

    fn fuel_load(&mut self) {
        if let Some(var) = self.fuel_var {
            let (addr, off) = self.fuel_addr();
            let v = self.b.ins().load(I64, trusted(), addr, off);
            self.b.def_var(var, v);
        }
    }

    fn fuel_store(&mut self) {
        if let Some(var) = self.fuel_var {
            let (addr, off) = self.fuel_addr();
            let v = self.b.use_var(var);
            self.b.ins().store(trusted(), v, addr, off);
        }
    }

    /// Adds the pending static cost to the fuel variable.
    fn fuel_flush(&mut self) {
        let Some(var) = self.fuel_var else { return };
        let cost = std::mem::replace(&mut self.fuel_pending, 0);
        if cost == 0 {
            return;
        }
        let v = self.b.use_var(var);
        let c = self.b.ins().iconst(I64, cost);
        let v = self.b.ins().iadd(v, c);
        self.b.def_var(var, v);
    }

    fn fuel_check(&mut self) {
        let Some(var) = self.fuel_var else { return };
        self.fuel_flush();
        let out_of_gas = self.b.create_block();
        let cont = self.b.create_block();
        let zero = self.b.ins().iconst(I64, 0);
        let fuel = self.b.use_var(var);
        let cmp = self
            .b
            .ins()
            .icmp(IntCC::SignedGreaterThanOrEqual, fuel, zero);
        self.b.ins().brif(cmp, out_of_gas, &[], cont, &[]);
        self.b.seal_block(out_of_gas);
        self.b.switch_to_block(out_of_gas);
        self.fuel_store();
        self.call_builtin(Builtin::OutOfGas, &[]);
        self.fuel_load();
        self.b.ins().jump(cont, &[]);
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    /// A bulk operation's run-time cost, `units` × `per_unit`, as Wasmtime's
    /// `pre_translate_bulk_op`: a constant `units` folds into the static cost (saturating), and
    /// skips the check when the product is at most 128; otherwise the product (clamped to
    /// i64::MAX for 64-bit units) is added to the counter, then checked — even at cost 0.
    fn fuel_dynamic(&mut self, units: Value, per_unit: u8) {
        let Some(var) = self.fuel_var else { return };
        if !self.dynamic_bulk_cost {
            return;
        }
        let ty = self.b.func.dfg.value_type(units);
        let constant = self
            .constant_operand(units, 0)
            .map(|bits| i64::try_from(bits).unwrap_or(i64::MAX));
        let per_unit = i64::from(per_unit);
        if per_unit > 0 {
            match constant {
                Some(n) => {
                    self.fuel_pending = self.fuel_pending.saturating_add(n.saturating_mul(per_unit))
                }
                None => {
                    self.fuel_flush();
                    let wide = if ty == I64 {
                        units
                    } else {
                        self.b.ins().uextend(I64, units)
                    };
                    // At one unit each (the default) a 32-bit count is the cost; a 64-bit one
                    // (memory64) saturates at i64::MAX, as Wasmtime clamps it.
                    let amount = match (per_unit, ty == I64) {
                        (1, false) => wide,
                        (_, false) => self.b.ins().imul_imm_u(wide, per_unit),
                        (_, true) => {
                            let product = self.b.ins().imul_imm_u(wide, per_unit);
                            let max = self.b.ins().iconst(I64, i64::MAX);
                            let limit = i64::MAX / per_unit;
                            let saturate =
                                self.b
                                    .ins()
                                    .icmp_imm_u(IntCC::UnsignedGreaterThan, wide, limit);
                            self.b.ins().select(saturate, max, product)
                        }
                    };
                    let v = self.b.use_var(var);
                    let v = self.b.ins().iadd(v, amount);
                    self.b.def_var(var, v);
                }
            }
        }
        if constant
            .and_then(|n| n.checked_mul(per_unit))
            .is_some_and(|c| c <= 128)
        {
            return;
        }
        self.fuel_check();
    }

    /// The constant `v` is as Wasmtime's translator sees it: an `iconst`, also through block
    /// parameters every incoming edge passes the same value to (Wasmtime carries block results
    /// in variables, and Cranelift's SSA builder drops such trivial parameters) — but not the
    /// parameters of a loop header still being translated (unsealed there: a real parameter).
    fn constant_operand(&self, v: Value, depth: u32) -> Option<u64> {
        let dfg = &self.b.func.dfg;
        match dfg.value_def(v) {
            ValueDef::Result(inst, _) => match dfg.insts[inst] {
                InstructionData::UnaryImm {
                    opcode: Opcode::Iconst,
                    imm,
                } => Some(imm.bits().cast_unsigned()),
                _ => None,
            },
            ValueDef::Param(block, index) if depth < 8 => {
                let open_loop = self
                    .frames
                    .iter()
                    .any(|f| matches!(f.kind, FrameKind::Loop { header } if header == block));
                if open_loop {
                    return None;
                }
                let mut incoming = None;
                for b in self.b.func.layout.blocks() {
                    let Some(last) = self.b.func.layout.last_inst(b) else {
                        continue;
                    };
                    for call in
                        dfg.insts[last].branch_destination(&dfg.jump_tables, &dfg.exception_tables)
                    {
                        if call.block(&dfg.value_lists) != block {
                            continue;
                        }
                        let arg = call.args(&dfg.value_lists).nth(index)?.as_value()?;
                        let arg = dfg.resolve_aliases(arg);
                        match incoming {
                            None => incoming = Some(arg),
                            Some(seen) if seen == arg => {}
                            Some(_) => return None,
                        }
                    }
                }
                self.constant_operand(incoming?, depth + 1)
            }
            _ => None,
        }
    }

    /// `global.get` of a defined immutable global with a constant initialiser is that constant,
    /// as in Wasmtime (so a bulk operation sized by it is charged as a constant).
    fn constant_global(&mut self, index: u32) -> Option<Value> {
        Some(
            match self.info.constant_globals.get(index as usize)?.as_ref()? {
                ConstExpr::I32Const { value } => self.b.ins().iconst(I32, i64::from(*value)),
                ConstExpr::I64Const { value } => {
                    self.b.ins().iconst(I64, value.parse::<i64>().ok()?)
                }
                ConstExpr::F32Const { bits } => self.b.ins().f32const(Ieee32::with_bits(*bits)),
                ConstExpr::F64Const { bits } => self
                    .b
                    .ins()
                    .f64const(Ieee64::with_bits(bits.parse::<u64>().ok()?)),
                _ => return None,
            },
        )
    }

    fn fuel_before_op(&mut self, op: &Operator<'_>) {
        if self.fuel_var.is_none() || !self.reachable {
            return;
        }
        self.fuel_pending += self.costs.cost(op);
        match op {
            Operator::Unreachable
            | Operator::Return
            | Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. } => {
                self.fuel_flush();
                self.fuel_store();
            }
            Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::End
            | Operator::Else => self.fuel_flush(),
            _ => {}
        }
    }

    fn fuel_after_op(&mut self, op: &Operator<'_>) {
        if matches!(
            op,
            Operator::Call { .. } | Operator::CallIndirect { .. } | Operator::CallRef { .. }
        ) {
            self.fuel_load();
        }
    }

    fn epoch_load_current(&mut self) -> Value {
        let ptr = self.b.use_var(self.epoch_ptr_var.expect("epoch metering"));
        self.b.ins().load(I64, trusted(), ptr, 0)
    }

    fn epoch_check_cached(&mut self, cur: Value, cont: Block) {
        let new_epoch = self.b.create_block();
        self.b.set_cold_block(new_epoch);
        let deadline = self
            .b
            .use_var(self.epoch_deadline_var.expect("epoch metering"));
        let cmp = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, cur, deadline);
        self.b.ins().brif(cmp, new_epoch, &[], cont, &[]);
        self.b.seal_block(new_epoch);
        self.b.switch_to_block(new_epoch);
    }

    fn epoch_check_full(&mut self, cur: Value, cont: Block) {
        let store = self.store_ctx();
        let deadline = self
            .b
            .ins()
            .load(I64, trusted(), store, self.layout.epoch_deadline as i32);
        self.b
            .def_var(self.epoch_deadline_var.expect("epoch metering"), deadline);
        self.epoch_check_cached(cur, cont);
        let new_deadline = self
            .call_builtin(Builtin::NewEpoch, &[])
            .expect("new_epoch returns the deadline");
        self.b.def_var(
            self.epoch_deadline_var.expect("epoch metering"),
            new_deadline,
        );
        self.b.ins().jump(cont, &[]);
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
    }

    fn loop_header_checks(&mut self) {
        match self.metering {
            Metering::Vanilla => self.fuel_check(),
            Metering::Epoch => {
                let cont = self.b.create_block();
                let cur = self.epoch_load_current();
                self.epoch_check_cached(cur, cont);
                self.epoch_check_full(cur, cont);
            }
            Metering::None => {}
        }
    }

    // ---------- operators ----------

    fn operator(&mut self, op: &Operator<'_>) -> Result<(), TranslateError> {
        if !self.reachable {
            self.unreachable_operator(op);
            return Ok(());
        }
        self.fuel_before_op(op);
        self.reachable_operator(op)?;
        if self.reachable {
            self.fuel_after_op(op);
        }
        Ok(())
    }

    /// In dead code only the frame structure matters.
    fn unreachable_operator(&mut self, op: &Operator<'_>) {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.frames.push(Frame {
                    kind: FrameKind::Block,
                    // Never used: a dead frame creates no blocks.
                    dest: Block::reserved_value(),
                    num_params: 0,
                    num_results: 0,
                    stack_base: self.stack.len(),
                    dest_reached: false,
                    live: false,
                });
            }
            Operator::Else => {
                let frame = self.frames.last_mut().expect("validated control stack");
                if !frame.live {
                    return;
                }
                if let FrameKind::If {
                    else_block,
                    else_seen,
                    params,
                } = &mut frame.kind
                {
                    *else_seen = true;
                    let else_block = *else_block;
                    let params = params.clone();
                    let base = frame.stack_base;
                    self.stack.truncate(base);
                    self.stack.extend(params);
                    self.b.switch_to_block(else_block);
                    self.reachable = true;
                }
            }
            Operator::End => self.end_frame(),
            _ => {}
        }
    }

    fn end_frame(&mut self) {
        let mut frame = self.frames.pop().expect("validated control stack");
        if !frame.live {
            self.stack.truncate(frame.stack_base);
            return;
        }
        if self.reachable {
            let results = self.peek_n(frame.num_results).to_vec();
            let block_args = self.block_args(&results);
            self.b.ins().jump(frame.dest, &block_args);
            frame.dest_reached = true;
        }
        match &frame.kind {
            FrameKind::Loop { header } => self.b.seal_block(*header),
            FrameKind::If {
                else_block,
                else_seen: false,
                params,
            } => {
                // No else arm: the false edge carries the parameters straight through.
                self.b.switch_to_block(*else_block);
                let block_args = self.block_args(params);
                self.b.ins().jump(frame.dest, &block_args);
                frame.dest_reached = true;
            }
            _ => {}
        }
        self.stack.truncate(frame.stack_base);
        if frame.dest_reached {
            self.b.switch_to_block(frame.dest);
            self.b.seal_block(frame.dest);
            let params = self.b.block_params(frame.dest).to_vec();
            self.stack.extend(params);
            self.reachable = true;
        } else {
            self.reachable = false;
        }
    }

    fn branch_target(&mut self, depth: u32) -> (Block, usize) {
        let i = self.frames.len() - 1 - depth as usize;
        let frame = &mut self.frames[i];
        match frame.kind {
            FrameKind::Loop { header } => (header, frame.num_params),
            _ => {
                frame.dest_reached = true;
                (frame.dest, frame.num_results)
            }
        }
    }

    fn reachable_operator(&mut self, op: &Operator<'_>) -> Result<(), TranslateError> {
        use Operator as O;
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.b.ins().trap(TRAP_UNREACHABLE);
                self.reachable = false;
            }
            O::Block { blockty } => {
                let (params, results) = self.block_types(*blockty)?;
                let dest = self.block_with_params(&results);
                self.frames.push(Frame {
                    kind: FrameKind::Block,
                    dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_base: self.stack.len() - params.len(),
                    dest_reached: false,
                    live: true,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_types(*blockty)?;
                let header = self.block_with_params(&params);
                let args = self.pop_n(params.len());
                let block_args = self.block_args(&args);
                self.b.ins().jump(header, &block_args);
                let dest = self.block_with_params(&results);
                self.b.switch_to_block(header);
                let header_params = self.b.block_params(header).to_vec();
                let stack_base = self.stack.len();
                self.stack.extend(header_params);
                self.frames.push(Frame {
                    kind: FrameKind::Loop { header },
                    dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_base,
                    dest_reached: false,
                    live: true,
                });
                self.loop_header_checks();
            }
            O::If { blockty } => {
                let cond = self.pop();
                let (params, results) = self.block_types(*blockty)?;
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.seal_block(then_block);
                self.b.seal_block(else_block);
                let dest = self.block_with_params(&results);
                self.b.switch_to_block(then_block);
                let saved = self.peek_n(params.len()).to_vec();
                self.frames.push(Frame {
                    kind: FrameKind::If {
                        else_block,
                        else_seen: false,
                        params: saved,
                    },
                    dest,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_base: self.stack.len() - params.len(),
                    dest_reached: false,
                    live: true,
                });
            }
            O::Else => {
                let top = self.frames.len() - 1;
                let (dest, n) = (self.frames[top].dest, self.frames[top].num_results);
                let results = self.stack[self.stack.len() - n..].to_vec();
                let args = self.block_args(&results);
                self.b.ins().jump(dest, &args);
                let frame = &mut self.frames[top];
                frame.dest_reached = true;
                if let FrameKind::If {
                    else_block,
                    else_seen,
                    params,
                } = &mut frame.kind
                {
                    *else_seen = true;
                    let else_block = *else_block;
                    let params = params.clone();
                    let base = frame.stack_base;
                    self.stack.truncate(base);
                    self.stack.extend(params);
                    self.b.switch_to_block(else_block);
                }
            }
            O::End => self.end_frame(),
            O::Br { relative_depth } => {
                let (target, n) = self.branch_target(*relative_depth);
                let args = self.peek_n(n).to_vec();
                let block_args = self.block_args(&args);
                self.b.ins().jump(target, &block_args);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                let (target, n) = self.branch_target(*relative_depth);
                let args = self.peek_n(n).to_vec();
                let next = self.b.create_block();
                let block_args = self.block_args(&args);
                self.b.ins().brif(cond, target, &block_args, next, &[]);
                self.b.seal_block(next);
                self.b.switch_to_block(next);
            }
            O::BrTable { targets } => {
                let index = self.pop();
                let depths = targets.targets().collect::<Result<Vec<u32>, _>>()?;
                let default = targets.default();
                let (_, n) = self.branch_target(default);
                if n == 0 {
                    let mut calls = Vec::with_capacity(depths.len());
                    for d in &depths {
                        let (target, _) = self.branch_target(*d);
                        calls.push(BlockCall::new(target, [], &mut self.b.func.dfg.value_lists));
                    }
                    let (dt, _) = self.branch_target(default);
                    let def = BlockCall::new(dt, [], &mut self.b.func.dfg.value_lists);
                    let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
                    self.b.ins().br_table(index, jt);
                } else {
                    // Targets take arguments: go through one edge block per distinct depth.
                    let args = self.peek_n(n).to_vec();
                    let mut edges: HashMap<u32, Block> = HashMap::new();
                    let mut order = Vec::new();
                    let mut edge_for = |t: &mut Self, d: u32| -> Block {
                        *edges.entry(d).or_insert_with(|| {
                            order.push(d);
                            t.b.create_block()
                        })
                    };
                    let mut calls = Vec::with_capacity(depths.len());
                    for d in &depths {
                        let e = edge_for(self, *d);
                        calls.push(BlockCall::new(e, [], &mut self.b.func.dfg.value_lists));
                    }
                    let de = edge_for(self, default);
                    let def = BlockCall::new(de, [], &mut self.b.func.dfg.value_lists);
                    let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
                    self.b.ins().br_table(index, jt);
                    for d in order {
                        let e = edges[&d];
                        self.b.seal_block(e);
                        self.b.switch_to_block(e);
                        let (target, _) = self.branch_target(d);
                        let block_args = self.block_args(&args);
                        self.b.ins().jump(target, &block_args);
                    }
                }
                self.reachable = false;
            }
            O::Return => {
                let n = self.frames[0].num_results;
                let results = self.peek_n(n).to_vec();
                let results = self.canonical(&results);
                self.b.ins().return_(&results);
                self.reachable = false;
            }
            O::Call { function_index } => self.call(*function_index, false)?,
            O::ReturnCall { function_index } => self.call(*function_index, true)?,
            O::CallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(*type_index, *table_index, false)?,
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.call_indirect(*type_index, *table_index, true)?,
            O::CallRef { type_index } => self.call_ref(*type_index, false)?,
            O::ReturnCallRef { type_index } => self.call_ref(*type_index, true)?,
            O::BrOnNull { relative_depth } => {
                // Branch with the values below the reference when it is null; else go on with
                // the reference (now known non-null) back on the stack.
                let r = self.pop();
                let (target, n) = self.branch_target(*relative_depth);
                let args = self.peek_n(n).to_vec();
                let block_args = self.block_args(&args);
                let next = self.b.create_block();
                let is_null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.b.ins().brif(is_null, target, &block_args, next, &[]);
                self.b.seal_block(next);
                self.b.switch_to_block(next);
                self.push(r);
            }
            O::BrOnNonNull { relative_depth } => {
                // The target takes the reference as its last value; a null one is dropped.
                let r = *self.stack.last().expect("validated operand stack");
                let (target, n) = self.branch_target(*relative_depth);
                let args = self.peek_n(n).to_vec();
                let block_args = self.block_args(&args);
                let next = self.b.create_block();
                let is_null = self.b.ins().icmp_imm_s(IntCC::Equal, r, 0);
                self.b.ins().brif(is_null, next, &[], target, &block_args);
                self.b.seal_block(next);
                self.b.switch_to_block(next);
                self.pop();
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated operand stack");
                self.b.ins().trapz(r, TRAP_NULL_REFERENCE);
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (x, y, c) = self.pop3();
                let (x, y) = (self.canonical_v128(x), self.canonical_v128(y));
                let v = self.b.ins().select(c, x, y);
                self.push(v);
            }
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[*local_index as usize]);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                let v = self.canonical_v128(v);
                self.b.def_var(self.locals[*local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated operand stack");
                let v = self.canonical_v128(v);
                self.b.def_var(self.locals[*local_index as usize], v);
            }
            O::GlobalGet { global_index } if let Some(v) = self.constant_global(*global_index) => {
                self.push(v)
            }
            O::GlobalGet { global_index } => {
                let (ty, imported) = self.info.globals[*global_index as usize];
                // A v128 global's slot (8 bytes) holds the address of its 16-byte cell, as an
                // imported global's holds the address of its value.
                let indirect = imported || ty == ValType::V128;
                let ty = ir_type(ty, self.offset)?;
                let slot = self.layout.global_slot(*global_index);
                let v = if indirect {
                    let ptr = self.load_vmctx(I64, slot);
                    self.load_at(ty, ptr, 0)
                } else {
                    self.load_vmctx(ty, slot)
                };
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let (ty, imported) = self.info.globals[*global_index as usize];
                let v = self.pop();
                let v = self.canonical_v128(v);
                let slot = self.layout.global_slot(*global_index);
                let (base, off) = if imported || ty == ValType::V128 {
                    (self.load_vmctx(I64, slot), 0)
                } else {
                    (self.vmctx, slot)
                };
                self.store_at(v, base, off);
            }

            // ---- memory ----
            O::I32Load { memarg } => self.load(memarg, I32, I32, 4, None)?,
            O::I64Load { memarg } => self.load(memarg, I64, I64, 8, None)?,
            O::F32Load { memarg } => self.load(memarg, F32, F32, 4, None)?,
            O::F64Load { memarg } => self.load(memarg, F64, F64, 8, None)?,
            O::I32Load8S { memarg } => self.load(memarg, I8, I32, 1, Some(true))?,
            O::I32Load8U { memarg } => self.load(memarg, I8, I32, 1, Some(false))?,
            O::I32Load16S { memarg } => self.load(memarg, I16, I32, 2, Some(true))?,
            O::I32Load16U { memarg } => self.load(memarg, I16, I32, 2, Some(false))?,
            O::I64Load8S { memarg } => self.load(memarg, I8, I64, 1, Some(true))?,
            O::I64Load8U { memarg } => self.load(memarg, I8, I64, 1, Some(false))?,
            O::I64Load16S { memarg } => self.load(memarg, I16, I64, 2, Some(true))?,
            O::I64Load16U { memarg } => self.load(memarg, I16, I64, 2, Some(false))?,
            O::I64Load32S { memarg } => self.load(memarg, I32, I64, 4, Some(true))?,
            O::I64Load32U { memarg } => self.load(memarg, I32, I64, 4, Some(false))?,
            O::I32Store { memarg } => self.store(memarg, None, 4)?,
            O::I64Store { memarg } => self.store(memarg, None, 8)?,
            O::F32Store { memarg } => self.store(memarg, None, 4)?,
            O::F64Store { memarg } => self.store(memarg, None, 8)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, Some(I8), 1)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                self.store(memarg, Some(I16), 2)?
            }
            O::I64Store32 { memarg } => self.store(memarg, Some(I32), 4)?,
            O::MemorySize { mem } => {
                let len = self.memory_length(*mem);
                let pages = self.b.ins().ushr_imm_s(len, 16);
                // A 64-bit memory's size is an i64 (memory64).
                let pages = if self.memory64(*mem) {
                    pages
                } else {
                    self.b.ins().ireduce(I32, pages)
                };
                self.push(pages);
            }
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                // Wasmtime 48 charges `memory_grow_per_page` (default 0, but a non-constant
                // delta still gets a fuel check).
                self.fuel_dynamic(delta, self.costs.variable.memory_grow_per_page);
                let m = self.const_i32(*mem);
                // A 64-bit memory takes and returns i64 pages.
                let builtin = if self.memory64(*mem) {
                    Builtin::MemoryGrow64
                } else {
                    Builtin::MemoryGrow
                };
                let old = self
                    .call_builtin(builtin, &[m, delta])
                    .expect("memory_grow returns");
                self.push(old);
            }
            // Addresses and lengths are i64 on a 64-bit memory, i32 otherwise; the builtins
            // take i64 for both.
            O::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.memory_fill_per_byte);
                let m = self.const_i32(*mem);
                let dst = self.to_i64(dst);
                let len = self.to_i64(len);
                self.call_fallible(Builtin::MemoryFill, &[m, dst, val, len]);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                // Between a 32- and a 64-bit memory the length has the smaller type (i32).
                let (dst, src, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.memory_copy_per_byte);
                let dm = self.const_i32(*dst_mem);
                let sm = self.const_i32(*src_mem);
                let dst = self.to_i64(dst);
                let src = self.to_i64(src);
                let len = self.to_i64(len);
                self.call_fallible(Builtin::MemoryCopy, &[dm, dst, sm, src, len]);
            }
            O::MemoryInit { data_index, mem } => {
                // Only the destination is i64 on a 64-bit memory (segments are 32-bit).
                let (dst, src, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.memory_init_per_byte);
                let m = self.const_i32(*mem);
                let d = self.const_i32(*data_index);
                let dst = self.to_i64(dst);
                self.call_fallible(Builtin::MemoryInit, &[m, d, dst, src, len]);
            }
            O::DataDrop { data_index } => {
                let d = self.const_i32(*data_index);
                self.call_builtin(Builtin::DataDrop, &[d]);
            }

            // ---- tables and references ----
            O::TableGet { table } => {
                let index = self.pop();
                let addr = self.table_element_addr(*table, index);
                let v = self.b.ins().load(I64, trusted(), addr, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let (index, value) = self.pop2();
                let addr = self.table_element_addr(*table, index);
                self.b.ins().store(trusted(), value, addr, 0);
            }
            O::TableSize { table }
                if let Some(Some(size)) = self.info.fixed_table_sizes.get(*table as usize) =>
            {
                // A table that cannot grow has a constant size, as Wasmtime's static tables
                // (so a bulk operation sized by it is charged as a constant).
                let ty = if self.table64(*table) { I64 } else { I32 };
                let size = self.b.ins().iconst(ty, *size as i64);
                self.push(size);
            }
            O::TableSize { table } => {
                let rec = self.table_record(*table);
                let len = self.load_at(I64, rec, i64::from(self.layout.table_length));
                let len = if self.table64(*table) {
                    len
                } else {
                    self.b.ins().ireduce(I32, len)
                };
                self.push(len);
            }
            // On a 64-bit table the indices, sizes and lengths are i64: fuel is charged on the
            // i64, then the builtins get it clamped to 32 bits (`clamp32`).
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                // Wasmtime 48 charges one unit per element requested (`table_grow_per_element`).
                self.fuel_dynamic(delta, self.costs.variable.table_grow_per_element);
                let t = self.const_i32(*table);
                let delta = self.clamp32(delta);
                let old = self
                    .call_builtin(Builtin::TableGrow, &[t, delta, init])
                    .expect("table_grow returns");
                let old = if self.table64(*table) {
                    // -1 stays -1; any old size is unsigned.
                    let wide = self.b.ins().uextend(I64, old);
                    let failed = self.b.ins().icmp_imm_s(IntCC::Equal, old, -1);
                    let minus1 = self.b.ins().iconst(I64, -1);
                    self.b.ins().select(failed, minus1, wide)
                } else {
                    old
                };
                self.push(old);
            }
            O::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.table_fill_per_element);
                let t = self.const_i32(*table);
                let dst = self.clamp32(dst);
                let len = self.clamp32(len);
                self.call_fallible(Builtin::TableFill, &[t, dst, val, len]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let (dst, src, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.table_copy_per_element);
                let dt = self.const_i32(*dst_table);
                let st = self.const_i32(*src_table);
                let dst = self.clamp32(dst);
                let src = self.clamp32(src);
                let len = self.clamp32(len);
                self.call_fallible(Builtin::TableCopy, &[dt, st, dst, src, len]);
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                self.fuel_dynamic(len, self.costs.variable.table_init_per_element);
                let t = self.const_i32(*table);
                let e = self.const_i32(*elem_index);
                let dst = self.clamp32(dst);
                self.call_fallible(Builtin::TableInit, &[t, e, dst, src, len]);
            }
            O::ElemDrop { elem_index } => {
                let e = self.const_i32(*elem_index);
                self.call_builtin(Builtin::ElemDrop, &[e]);
            }
            O::RefNull { hty } => {
                crate::module::heap_type(*hty, self.offset)?;
                let v = self.b.ins().iconst(I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let v = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, v, 0);
                let c = self.bool_to_i32(c);
                self.push(c);
            }
            O::RefFunc { function_index } => {
                let refs = self.load_vmctx(I64, i64::from(self.layout.func_refs_pointer));
                let off = i64::from(*function_index) * i64::from(self.layout.func_ref_stride);
                let v = self.b.ins().iadd_imm_s(refs, off);
                self.push(v);
            }

            // ---- constants ----
            O::I32Const { value } => {
                let v = self.b.ins().iconst(I32, i64::from(*value));
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(I64, *value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // ---- integer comparisons ----
            O::I32Eqz | O::I64Eqz => {
                let x = self.pop();
                let c = self.b.ins().icmp_imm_s(IntCC::Equal, x, 0);
                let c = self.bool_to_i32(c);
                self.push(c);
            }
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            // ---- float comparisons ----
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            // ---- integer arithmetic ----
            O::I32Clz | O::I64Clz => self.unary(|b, x| b.ins().clz(x)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, x| b.ins().ctz(x)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, x| b.ins().popcnt(x)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.binary(|b, x, y| b.ins().sdiv(x, y)),
            O::I32DivU | O::I64DivU => self.binary(|b, x, y| b.ins().udiv(x, y)),
            O::I32RemS | O::I64RemS => self.binary(|b, x, y| b.ins().srem(x, y)),
            O::I32RemU | O::I64RemU => self.binary(|b, x, y| b.ins().urem(x, y)),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            // ---- float arithmetic ----
            O::F32Abs | O::F64Abs => self.unary(|b, x| b.ins().fabs(x)),
            O::F32Neg | O::F64Neg => self.unary(|b, x| b.ins().fneg(x)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, x| b.ins().ceil(x)),
            O::F32Floor | O::F64Floor => self.unary(|b, x| b.ins().floor(x)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, x| b.ins().trunc(x)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, x| b.ins().nearest(x)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, x| b.ins().sqrt(x)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),

            // ---- conversions ----
            O::I32WrapI64 => self.unary(|b, x| b.ins().ireduce(I32, x)),
            O::I64ExtendI32S => self.unary(|b, x| b.ins().sextend(I64, x)),
            O::I64ExtendI32U => self.unary(|b, x| b.ins().uextend(I64, x)),
            O::I32TruncF32S | O::I32TruncF64S => self.unary(|b, x| b.ins().fcvt_to_sint(I32, x)),
            O::I32TruncF32U | O::I32TruncF64U => self.unary(|b, x| b.ins().fcvt_to_uint(I32, x)),
            O::I64TruncF32S | O::I64TruncF64S => self.unary(|b, x| b.ins().fcvt_to_sint(I64, x)),
            O::I64TruncF32U | O::I64TruncF64U => self.unary(|b, x| b.ins().fcvt_to_uint(I64, x)),
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(I32, x))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(I32, x))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unary(|b, x| b.ins().fcvt_to_sint_sat(I64, x))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unary(|b, x| b.ins().fcvt_to_uint_sat(I64, x))
            }
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(F32, x))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(F32, x))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unary(|b, x| b.ins().fcvt_from_sint(F64, x))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unary(|b, x| b.ins().fcvt_from_uint(F64, x))
            }
            O::F32DemoteF64 => self.unary(|b, x| b.ins().fdemote(F32, x)),
            O::F64PromoteF32 => self.unary(|b, x| b.ins().fpromote(F64, x)),
            O::I32ReinterpretF32 => self.unary(|b, x| b.ins().bitcast(I32, MemFlagsData::new(), x)),
            O::I64ReinterpretF64 => self.unary(|b, x| b.ins().bitcast(I64, MemFlagsData::new(), x)),
            O::F32ReinterpretI32 => self.unary(|b, x| b.ins().bitcast(F32, MemFlagsData::new(), x)),
            O::F64ReinterpretI64 => self.unary(|b, x| b.ins().bitcast(F64, MemFlagsData::new(), x)),
            O::I32Extend8S => self.sign_extend(I8, I32),
            O::I32Extend16S => self.sign_extend(I16, I32),
            O::I64Extend8S => self.sign_extend(I8, I64),
            O::I64Extend16S => self.sign_extend(I16, I64),
            O::I64Extend32S => self.sign_extend(I32, I64),

            other => {
                if !self.simd_operator(other)? {
                    return Err(unsupported_op(other, self.offset));
                }
            }
        }
        Ok(())
    }

    fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'f>, Value) -> Value) {
        let x = self.pop();
        let v = f(&mut self.b, x);
        self.push(v);
    }

    fn binary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'f>, Value, Value) -> Value) {
        let (x, y) = self.pop2();
        let v = f(&mut self.b, x, y);
        self.push(v);
    }

    fn icmp(&mut self, cc: IntCC) {
        let (x, y) = self.pop2();
        let c = self.b.ins().icmp(cc, x, y);
        let c = self.bool_to_i32(c);
        self.push(c);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (x, y) = self.pop2();
        let c = self.b.ins().fcmp(cc, x, y);
        let c = self.bool_to_i32(c);
        self.push(c);
    }

    fn sign_extend(&mut self, narrow: ir::Type, wide: ir::Type) {
        let x = self.pop();
        let n = self.b.ins().ireduce(narrow, x);
        let v = self.b.ins().sextend(wide, n);
        self.push(v);
    }

    /// Bounds-checks `[index + offset, index + offset + size)` against the memory and returns the
    /// host address of `index` plus the remaining immediate offset; `None` when the access
    /// can never be in bounds (a trap has been emitted).
    fn heap_addr(
        &mut self,
        memarg: &MemArg,
        size: u32,
    ) -> Result<Option<(Value, i32)>, TranslateError> {
        let mem = match memarg.target {
            wasmparser::MemArgTarget::Memory(m) => m,
            wasmparser::MemArgTarget::Array(_) => {
                return Err(TranslateError::unsupported(
                    "gc",
                    "array memory access",
                    self.offset,
                ));
            }
        };
        let index = self.pop();
        let memory64 = self.memory64(mem);
        // Validation guarantees the memory exists.
        let max_bytes = self
            .info
            .memories
            .get(mem as usize)
            .and_then(|m| m.maximum)
            .map(|p| p.saturating_mul(65536))
            .unwrap_or(if memory64 { u64::MAX } else { 1u64 << 32 });
        // A 64-bit offset plus the size may overflow: such an access can never succeed either.
        let Some(end) = memarg
            .offset
            .checked_add(u64::from(size))
            .filter(|end| *end <= max_bytes)
        else {
            // Wasmtime stores the counter before an access that always traps.
            self.fuel_flush();
            self.fuel_store();
            self.b.ins().trap(TrapCode::HEAP_OUT_OF_BOUNDS);
            self.reachable = false;
            return Ok(None);
        };
        if memory64 {
            return Ok(Some(self.heap_addr64(mem, index, memarg.offset, end)));
        }
        let index = self.b.ins().uextend(I64, index);
        let base = self.memory_base(mem);
        if self.guard_bytes.is_some_and(|guard| end <= guard) {
            // base + index + offset lies inside the reservation or its guard for every 32-bit
            // index: the hardware checks the bound (Wasmtime's rule, bounds_checks.rs).
            let addr = self.b.ins().iadd(base, index);
            return Ok(Some(match i32::try_from(memarg.offset) {
                Ok(off) => (addr, off),
                Err(_) => (self.b.ins().iadd_imm_s(addr, memarg.offset as i64), 0),
            }));
        }
        // Explicit check, Spectre-safe as Wasmtime emits it: an out-of-bounds access is
        // redirected to address 0 (never mapped), where it faults with the heap trap code, so
        // no speculative access reaches past the bound either.
        let last = self.b.ins().iadd_imm_s(index, end as i64);
        let length = self.memory_length(mem);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, length);
        let addr = self.b.ins().iadd(base, index);
        let addr = if memarg.offset == 0 {
            addr
        } else {
            self.b.ins().iadd_imm_s(addr, memarg.offset as i64)
        };
        let null = self.b.ins().iconst(I64, 0);
        let guarded = self.b.ins().select_spectre_guard(oob, null, addr);
        Ok(Some((guarded, 0)))
    }

    /// A 64-bit memory's access: no guard covers a 64-bit index, so every access is checked
    /// explicitly. `index + offset + size` may wrap: that traps (`uadd_overflow_trap`), then
    /// the end is compared with the length and a failed check selects address 0, as for 32-bit.
    fn heap_addr64(&mut self, mem: u32, index: Value, offset: u64, end: u64) -> (Value, i32) {
        let end = self.b.ins().iconst(I64, end as i64);
        let last = self
            .b
            .ins()
            .uadd_overflow_trap(index, end, TrapCode::HEAP_OUT_OF_BOUNDS);
        let length = self.memory_length(mem);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, last, length);
        let base = self.memory_base(mem);
        let addr = self.b.ins().iadd(base, index);
        let addr = if offset == 0 {
            addr
        } else {
            self.b.ins().iadd_imm_s(addr, offset as i64)
        };
        let null = self.b.ins().iconst(I64, 0);
        (self.b.ins().select_spectre_guard(oob, null, addr), 0)
    }

    /// Whether table `table` is a 64-bit table (table64).
    fn table64(&self, table: u32) -> bool {
        self.info
            .table64
            .get(table as usize)
            .copied()
            .unwrap_or(false)
    }

    /// A table index or length as the table builtins take it (i32): an i64 above u32::MAX
    /// becomes u32::MAX, which is out of bounds (and past growth) of every table short of
    /// 2^32 - 1 elements, 32 GiB of them, beyond what the runtime can allocate.
    fn clamp32(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) != I64 {
            return v;
        }
        let max = self.b.ins().iconst(I64, i64::from(u32::MAX));
        let clamped = self.b.ins().umin(v, max);
        self.b.ins().ireduce(I32, clamped)
    }

    /// Whether memory `mem` is a 64-bit memory (memory64).
    fn memory64(&self, mem: u32) -> bool {
        self.info
            .memories
            .get(mem as usize)
            .is_some_and(|m| m.memory64)
    }

    /// An address or length as the builtins take it: i64 (32-bit values zero-extended).
    fn to_i64(&mut self, v: Value) -> Value {
        if self.b.func.dfg.value_type(v) == I64 {
            v
        } else {
            self.b.ins().uextend(I64, v)
        }
    }

    fn load(
        &mut self,
        memarg: &MemArg,
        mem_ty: ir::Type,
        result_ty: ir::Type,
        size: u32,
        extend: Option<bool>,
    ) -> Result<(), TranslateError> {
        let Some((addr, off)) = self.heap_addr(memarg, size)? else {
            return Ok(());
        };
        let flags = heap_flags(self.heap_region);
        let v = match (mem_ty, result_ty, extend) {
            (I8, _, Some(true)) => self.b.ins().sload8(result_ty, flags, addr, off),
            (I8, _, Some(false)) => self.b.ins().uload8(result_ty, flags, addr, off),
            (I16, _, Some(true)) => self.b.ins().sload16(result_ty, flags, addr, off),
            (I16, _, Some(false)) => self.b.ins().uload16(result_ty, flags, addr, off),
            (I32, I64, Some(true)) => self.b.ins().sload32(flags, addr, off),
            (I32, I64, Some(false)) => self.b.ins().uload32(flags, addr, off),
            _ => self.b.ins().load(result_ty, flags, addr, off),
        };
        self.push(v);
        Ok(())
    }

    fn store(
        &mut self,
        memarg: &MemArg,
        narrow: Option<ir::Type>,
        size: u32,
    ) -> Result<(), TranslateError> {
        let value = self.pop();
        let Some((addr, off)) = self.heap_addr(memarg, size)? else {
            return Ok(());
        };
        let flags = heap_flags(self.heap_region);
        match narrow {
            Some(I8) => self.b.ins().istore8(flags, value, addr, off),
            Some(I16) => self.b.ins().istore16(flags, value, addr, off),
            Some(_) => self.b.ins().istore32(flags, value, addr, off),
            None => self.b.ins().store(flags, value, addr, off),
        };
        Ok(())
    }

    /// The record (element array, length) of `table`. An imported table's slot holds a pointer
    /// to the exporter's record, which that instance and every importer keep current.
    fn table_record(&mut self, table: u32) -> Value {
        let tables = self.load_vmctx(I64, i64::from(self.layout.tables_pointer));
        let off = i64::from(table) * i64::from(self.layout.table_stride);
        let slot = if off == 0 {
            tables
        } else {
            self.b.ins().iadd_imm_s(tables, off)
        };
        if self
            .info
            .imported_tables
            .get(table as usize)
            .copied()
            .unwrap_or(false)
        {
            // The pointer never changes for the instance's life.
            self.b.ins().load(I64, trusted().with_readonly(), slot, 0)
        } else {
            slot
        }
    }

    /// The id the runtime gave type `type_index` in the instance's store, read from the vmctx's
    /// type-id array (written once at instantiation, so `readonly` and free to hoist).
    fn type_id(&mut self, type_index: u32) -> Value {
        let ro = trusted().with_readonly().with_can_move();
        let ptr = i32::try_from(self.layout.type_ids_pointer).unwrap_or(i32::MAX);
        let ids = self.b.ins().load(I64, ro, self.vmctx, ptr);
        let at = i32::try_from(u64::from(type_index) * 4).unwrap_or(i32::MAX);
        self.b.ins().load(I32, ro, ids, at)
    }

    /// Address of element `index` of `table`, trapping when out of bounds.
    fn table_element_addr(&mut self, table: u32, index: Value) -> Value {
        let rec = self.table_record(table);
        let length = self.load_at(I64, rec, i64::from(self.layout.table_length));
        let base = self.load_at(I64, rec, i64::from(self.layout.table_base));
        // A 64-bit table's index is used as is.
        let index = self.to_i64(index);
        let oob = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, length);
        self.b.ins().trapnz(oob, TRAP_TABLE_OOB);
        let scaled = self.b.ins().ishl_imm_s(index, 3);
        self.b.ins().iadd(base, scaled)
    }

    fn finish_call(&mut self, inst: ir::Inst, tail: bool) {
        if tail {
            self.reachable = false;
            return;
        }
        let results = self.b.inst_results(inst).to_vec();
        self.stack.extend(results);
    }

    fn call(&mut self, function_index: u32, tail: bool) -> Result<(), TranslateError> {
        let type_index = self.info.function_types[function_index as usize];
        let n = self.info.types[type_index as usize].params().len();
        let args = self.pop_n(n);
        let args = self.canonical(&args);
        let vmctx = self.vmctx;
        let inst = if function_index < self.info.num_imported_functions {
            let imports = self.load_vmctx(I64, i64::from(self.layout.imported_functions_pointer));
            let rec = i64::from(function_index) * i64::from(self.layout.imported_function_stride);
            let code = self.load_at(
                I64,
                imports,
                rec + i64::from(self.layout.imported_function_code),
            );
            let callee_vmctx = self.load_at(
                I64,
                imports,
                rec + i64::from(self.layout.imported_function_vmctx),
            );
            let sig = self.sig_for_type(type_index)?;
            let mut all = vec![callee_vmctx, vmctx];
            all.extend(args);
            if tail {
                self.b.ins().return_call_indirect(sig, code, &all)
            } else {
                self.b.ins().call_indirect(sig, code, &all)
            }
        } else {
            let f = self.func_ref(function_index)?;
            let mut all = vec![vmctx, vmctx];
            all.extend(args);
            if tail {
                self.b.ins().return_call(f, &all)
            } else {
                self.b.ins().call(f, &all)
            }
        };
        self.finish_call(inst, tail);
        Ok(())
    }

    fn call_indirect(
        &mut self,
        type_index: u32,
        table: u32,
        tail: bool,
    ) -> Result<(), TranslateError> {
        let index = self.pop();
        let n = self.info.types[type_index as usize].params().len();
        let args = self.pop_n(n);
        let args = self.canonical(&args);
        let slot = self.table_element_addr(table, index);
        let func_ref = self.b.ins().load(I64, trusted(), slot, 0);
        self.b.ins().trapz(func_ref, TRAP_ICALL_NULL);
        let type_id = self.load_at(I32, func_ref, i64::from(self.layout.func_ref_type_id));
        let expected = self.type_id(type_index);
        let mismatch = self.b.ins().icmp(IntCC::NotEqual, type_id, expected);
        self.b.ins().trapnz(mismatch, TRAP_BAD_SIG);
        self.call_through_func_ref(func_ref, type_index, args, tail)
    }

    /// `call_ref` / `return_call_ref`: the reference is a func-ref pointer of the right type
    /// (validation proves it), so unlike `call_indirect` there is no table and no signature
    /// check, only the null check (Wasmtime's `call_ref`, trap `NullReference`).
    fn call_ref(&mut self, type_index: u32, tail: bool) -> Result<(), TranslateError> {
        let func_ref = self.pop();
        let n = self.info.types[type_index as usize].params().len();
        let args = self.pop_n(n);
        let args = self.canonical(&args);
        self.b.ins().trapz(func_ref, TRAP_NULL_REFERENCE);
        self.call_through_func_ref(func_ref, type_index, args, tail)
    }

    /// The call both `call_indirect` and `call_ref` end in, once the func-ref is known to be
    /// non-null and of type `type_index`: its code with its vmctx, then the caller's.
    fn call_through_func_ref(
        &mut self,
        func_ref: Value,
        type_index: u32,
        args: Vec<Value>,
        tail: bool,
    ) -> Result<(), TranslateError> {
        let code = self.load_at(I64, func_ref, i64::from(self.layout.func_ref_code));
        let callee_vmctx = self.load_at(I64, func_ref, i64::from(self.layout.func_ref_vmctx));
        let sig = self.sig_for_type(type_index)?;
        let mut all = vec![callee_vmctx, self.vmctx];
        all.extend(args);
        let inst = if tail {
            self.b.ins().return_call_indirect(sig, code, &all)
        } else {
            self.b.ins().call_indirect(sig, code, &all)
        };
        self.finish_call(inst, tail);
        Ok(())
    }
}

/// 64-bit target, `tail` convention; only stack-map spilling reads it.
fn frontend_config() -> cranelift_codegen::isa::TargetFrontendConfig {
    cranelift_codegen::isa::TargetFrontendConfig {
        default_call_conv: CallConv::Tail,
        pointer_width: target_lexicon::PointerWidth::U64,
        page_size_align_log2: 16,
    }
}
