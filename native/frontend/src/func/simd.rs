//! 128-bit SIMD and relaxed SIMD, lowered the way Wasmtime 48's translator does: a `v128` value
//! travels as `I8X16` (locals, globals, block parameters, calls, returns) and is bitcast
//! (little-endian) to the lane type an operator needs; operators whose Wasmtime lowering depends
//! on the target take the choice Wasmtime makes on the x86-64 host we run on.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32X4, F64X2, I8X16, I16X8, I32, I32X4, I64X2};
use cranelift_codegen::ir::{
    self, BlockArg, ConstantData, Endianness, InstBuilder, MemFlagsData, Value,
};
use wasmparser::{MemArg, Operator};

use super::Translator;
use crate::error::TranslateError;

/// What the host offers that Wasmtime's lowering of some vector operators depends on
/// (`TargetIsa::has_native_fma`, `has_round`, `has_blendv_lowering`, `has_x86_*_lowering`), and
/// Wasmtime's `relaxed_simd_deterministic` setting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SimdTarget {
    x86: bool,
    /// AVX and FMA: `fma` is one instruction.
    fma: bool,
    /// SSE4.1: `roundps` (ceil/floor/trunc/nearest), `blendv`.
    sse41: bool,
    /// SSSE3: `pshufb` (shuffle, swizzle), `pmulhrsw`, `pmaddubsw`.
    ssse3: bool,
    deterministic: bool,
}

impl SimdTarget {
    /// The machine we translate on, which is the machine the JIT runs the code on.
    pub(crate) fn new(deterministic: bool) -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            Self {
                x86: true,
                fma: std::arch::is_x86_feature_detected!("avx")
                    && std::arch::is_x86_feature_detected!("fma"),
                sse41: std::arch::is_x86_feature_detected!("sse4.1"),
                ssse3: std::arch::is_x86_feature_detected!("ssse3"),
                deterministic,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            // aarch64: every one of these has a direct lowering; no x86-specific choice applies.
            Self {
                x86: false,
                fma: true,
                sse41: true,
                ssse3: true,
                deterministic,
            }
        }
    }

    /// Relaxed operators take their x86 instruction's behaviour (Wasmtime's default on x86).
    fn x86_relaxed(&self) -> bool {
        self.x86 && !self.deterministic
    }
}

/// Little-endian, as Wasmtime's vector bitcasts are.
fn bitcast_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl<'a, 'f> Translator<'a, 'f> {
    // ---------- the v128 convention ----------

    /// `v` as type `ty`, bitcast when it travels as another vector type.
    pub(super) fn as_type(&mut self, v: Value, ty: ir::Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, bitcast_flags(), v)
        }
    }

    /// Vectors leave an operator's hands as I8X16 (locals, globals, select, branches, calls).
    pub(super) fn canonical_v128(&mut self, v: Value) -> Value {
        let ty = self.b.func.dfg.value_type(v);
        if ty.is_vector() && ty != I8X16 {
            self.as_type(v, I8X16)
        } else {
            v
        }
    }

    pub(super) fn canonical(&mut self, values: &[Value]) -> Vec<Value> {
        values.iter().map(|v| self.canonical_v128(*v)).collect()
    }

    /// Branch arguments, vectors made canonical.
    pub(super) fn block_args(&mut self, values: &[Value]) -> Vec<BlockArg> {
        self.canonical(values)
            .into_iter()
            .map(BlockArg::Value)
            .collect()
    }

    pub(super) fn vconst(&mut self, ty: ir::Type, bytes: &[u8]) -> Value {
        let handle = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
        self.b.ins().vconst(ty, handle)
    }

    fn pop_as(&mut self, ty: ir::Type) -> Value {
        let v = self.pop();
        self.as_type(v, ty)
    }

    fn pop2_as(&mut self, ty: ir::Type) -> (Value, Value) {
        let (x, y) = self.pop2();
        (self.as_type(x, ty), self.as_type(y, ty))
    }

    fn pop3_as(&mut self, ty: ir::Type) -> (Value, Value, Value) {
        let (x, y, z) = self.pop3();
        (
            self.as_type(x, ty),
            self.as_type(y, ty),
            self.as_type(z, ty),
        )
    }

    fn unary_as(&mut self, ty: ir::Type, f: impl FnOnce(&mut Self, Value) -> Value) {
        let x = self.pop_as(ty);
        let v = f(self, x);
        self.push(v);
    }

    fn binary_as(&mut self, ty: ir::Type, f: impl FnOnce(&mut Self, Value, Value) -> Value) {
        let (x, y) = self.pop2_as(ty);
        let v = f(self, x, y);
        self.push(v);
    }

    fn vector_icmp(&mut self, cc: IntCC, ty: ir::Type) {
        self.binary_as(ty, |t, x, y| t.b.ins().icmp(cc, x, y));
    }

    fn vector_fcmp(&mut self, cc: FloatCC, ty: ir::Type) {
        self.binary_as(ty, |t, x, y| t.b.ins().fcmp(cc, x, y));
    }

    /// A shift: the vector is bitcast, the i32 amount taken as is (Cranelift masks it by the lane
    /// width, as wasm does).
    fn vector_shift(&mut self, ty: ir::Type, op: fn(&mut Self, Value, Value) -> Value) {
        let (x, amount) = self.pop2();
        let x = self.as_type(x, ty);
        let v = op(self, x, amount);
        self.push(v);
    }

    /// Pairwise sum of widened lanes: `iadd_pairwise(widen_low(x), widen_high(x))`.
    fn ext_add_pairwise(&mut self, ty: ir::Type, signed: bool) {
        self.unary_as(ty, |t, x| {
            let (lo, hi) = t.widen(x, signed);
            t.b.ins().iadd_pairwise(lo, hi)
        });
    }

    fn widen(&mut self, x: Value, signed: bool) -> (Value, Value) {
        if signed {
            (self.b.ins().swiden_low(x), self.b.ins().swiden_high(x))
        } else {
            (self.b.ins().uwiden_low(x), self.b.ins().uwiden_high(x))
        }
    }

    /// Extended multiply of the low or high halves.
    fn ext_mul(&mut self, ty: ir::Type, high: bool, signed: bool) {
        self.binary_as(ty, |t, x, y| {
            let (x, y) = match (high, signed) {
                (false, true) => (t.b.ins().swiden_low(x), t.b.ins().swiden_low(y)),
                (true, true) => (t.b.ins().swiden_high(x), t.b.ins().swiden_high(y)),
                (false, false) => (t.b.ins().uwiden_low(x), t.b.ins().uwiden_low(y)),
                (true, false) => (t.b.ins().uwiden_high(x), t.b.ins().uwiden_high(y)),
            };
            t.b.ins().imul(x, y)
        });
    }

    /// Signed dot product of adjacent lane pairs (i32x4.dot_i16x8_s and the deterministic
    /// relaxed i16x8 dot).
    fn signed_dot(&mut self, x: Value, y: Value) -> Value {
        let xl = self.b.ins().swiden_low(x);
        let yl = self.b.ins().swiden_low(y);
        let lo = self.b.ins().imul(xl, yl);
        let xh = self.b.ins().swiden_high(x);
        let yh = self.b.ins().swiden_high(y);
        let hi = self.b.ins().imul(xh, yh);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    /// Wasm `pmin`/`pmax` (and relaxed min/max on x86): `bitselect(b < a, b, a)` or
    /// `bitselect(a < b, b, a)`, in the operand order the x86 backend pattern-matches.
    fn pseudo_min_max(&mut self, ty: ir::Type, max: bool) {
        self.binary_as(ty, |t, a, b| {
            let cmp = if max {
                t.b.ins().fcmp(FloatCC::LessThan, a, b)
            } else {
                t.b.ins().fcmp(FloatCC::LessThan, b, a)
            };
            let cmp = t.as_type(cmp, ty);
            t.b.ins().bitselect(cmp, b, a)
        });
    }

    /// Wasmtime lowers these with a builtin call on an x86 without the instruction; we have no
    /// such builtins, so such a host cannot translate them.
    fn require(&self, present: bool, what: &str, op: &Operator<'_>) -> Result<(), TranslateError> {
        if present {
            Ok(())
        } else {
            Err(TranslateError::unsupported(
                &format!("simd ({what} needs a host CPU with it)"),
                super::operator_name(op),
                self.offset,
            ))
        }
    }

    fn fma(&mut self, ty: ir::Type, negate: bool, op: &Operator<'_>) -> Result<(), TranslateError> {
        let (a, b, c) = self.pop3_as(ty);
        let a = if negate { self.b.ins().fneg(a) } else { a };
        let v = if self.simd.fma {
            self.b.ins().fma(a, b, c)
        } else {
            // Deterministic relaxed madd must fuse: Wasmtime calls a libcall there.
            self.require(!self.simd.deterministic, "a fused multiply-add (FMA)", op)?;
            let m = self.b.ins().fmul(a, b);
            self.b.ins().fadd(m, c)
        };
        self.push(v);
        Ok(())
    }

    fn load_splat(&mut self, memarg: &MemArg, ty: ir::Type) -> Result<(), TranslateError> {
        let lane = ty.lane_type();
        self.load(memarg, lane, lane, lane.bytes(), None)?;
        if self.reachable {
            let x = self.pop();
            let v = self.b.ins().splat(ty, x);
            self.push(v);
        }
        Ok(())
    }

    fn load_zero(&mut self, memarg: &MemArg, ty: ir::Type) -> Result<(), TranslateError> {
        let lane = ty.lane_type();
        self.load(memarg, lane, lane, lane.bytes(), None)?;
        if self.reachable {
            let x = self.pop();
            let v = self.b.ins().scalar_to_vector(ty, x);
            self.push(v);
        }
        Ok(())
    }

    fn load_lane(&mut self, memarg: &MemArg, ty: ir::Type, lane: u8) -> Result<(), TranslateError> {
        let vector = self.pop_as(ty);
        let lt = ty.lane_type();
        self.load(memarg, lt, lt, lt.bytes(), None)?;
        if self.reachable {
            let x = self.pop();
            let v = self.b.ins().insertlane(vector, x, lane);
            self.push(v);
        }
        Ok(())
    }

    fn store_lane(
        &mut self,
        memarg: &MemArg,
        ty: ir::Type,
        lane: u8,
    ) -> Result<(), TranslateError> {
        let vector = self.pop_as(ty);
        let x = self.b.ins().extractlane(vector, lane);
        self.push(x);
        self.store(memarg, None, ty.lane_type().bytes())
    }

    /// Widening 64-bit loads (`v128.load8x8_s` ...).
    fn load_extend(
        &mut self,
        memarg: &MemArg,
        f: fn(&mut Self, MemFlagsData, Value, i32) -> Value,
    ) -> Result<(), TranslateError> {
        let Some((addr, off)) = self.heap_addr(memarg, 8)? else {
            return Ok(());
        };
        let v = f(self, super::heap_flags(self.heap_region), addr, off);
        self.push(v);
        Ok(())
    }

    /// `snarrow`/`uunarrow` of a 64x2 result with zeros: the `..._zero` conversions.
    fn narrow_with_zero(&mut self, x: Value, unsigned: bool) -> Value {
        let zero = self.vconst(I64X2, &[0; 16]);
        if unsigned {
            self.b.ins().uunarrow(x, zero)
        } else {
            self.b.ins().snarrow(x, zero)
        }
    }

    /// Translates a SIMD operator; false when `op` is not one.
    pub(super) fn simd_operator(&mut self, op: &Operator<'_>) -> Result<bool, TranslateError> {
        use Operator as O;
        let simd = self.simd;
        match op {
            // ---- memory ----
            O::V128Load { memarg } => self.load(memarg, I8X16, I8X16, 16, None)?,
            O::V128Store { memarg } => self.store(memarg, None, 16)?,
            O::V128Load8x8S { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().sload8x8(f, a, o))?
            }
            O::V128Load8x8U { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().uload8x8(f, a, o))?
            }
            O::V128Load16x4S { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().sload16x4(f, a, o))?
            }
            O::V128Load16x4U { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().uload16x4(f, a, o))?
            }
            O::V128Load32x2S { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().sload32x2(f, a, o))?
            }
            O::V128Load32x2U { memarg } => {
                self.load_extend(memarg, |t, f, a, o| t.b.ins().uload32x2(f, a, o))?
            }
            O::V128Load8Splat { memarg } => self.load_splat(memarg, I8X16)?,
            O::V128Load16Splat { memarg } => self.load_splat(memarg, I16X8)?,
            O::V128Load32Splat { memarg } => self.load_splat(memarg, I32X4)?,
            O::V128Load64Splat { memarg } => self.load_splat(memarg, I64X2)?,
            O::V128Load32Zero { memarg } => self.load_zero(memarg, I32X4)?,
            O::V128Load64Zero { memarg } => self.load_zero(memarg, I64X2)?,
            O::V128Load8Lane { memarg, lane } => self.load_lane(memarg, I8X16, *lane)?,
            O::V128Load16Lane { memarg, lane } => self.load_lane(memarg, I16X8, *lane)?,
            O::V128Load32Lane { memarg, lane } => self.load_lane(memarg, I32X4, *lane)?,
            O::V128Load64Lane { memarg, lane } => self.load_lane(memarg, I64X2, *lane)?,
            O::V128Store8Lane { memarg, lane } => self.store_lane(memarg, I8X16, *lane)?,
            O::V128Store16Lane { memarg, lane } => self.store_lane(memarg, I16X8, *lane)?,
            O::V128Store32Lane { memarg, lane } => self.store_lane(memarg, I32X4, *lane)?,
            O::V128Store64Lane { memarg, lane } => self.store_lane(memarg, I64X2, *lane)?,

            // ---- constants, splats, lanes ----
            O::V128Const { value } => {
                let v = self.vconst(I8X16, value.bytes());
                self.push(v);
            }
            O::I8x16Splat | O::I16x8Splat => {
                let ty = if matches!(op, O::I8x16Splat) {
                    I8X16
                } else {
                    I16X8
                };
                let x = self.pop();
                let x = self.b.ins().ireduce(ty.lane_type(), x);
                let v = self.b.ins().splat(ty, x);
                self.push(v);
            }
            O::I32x4Splat | O::I64x2Splat | O::F32x4Splat | O::F64x2Splat => {
                let ty = match op {
                    O::I32x4Splat => I32X4,
                    O::I64x2Splat => I64X2,
                    O::F32x4Splat => F32X4,
                    _ => F64X2,
                };
                let x = self.pop();
                let v = self.b.ins().splat(ty, x);
                self.push(v);
            }
            O::I8x16ExtractLaneS { lane } | O::I8x16ExtractLaneU { lane } => {
                let signed = matches!(op, O::I8x16ExtractLaneS { .. });
                self.extract_small(I8X16, *lane, signed);
            }
            O::I16x8ExtractLaneS { lane } | O::I16x8ExtractLaneU { lane } => {
                let signed = matches!(op, O::I16x8ExtractLaneS { .. });
                self.extract_small(I16X8, *lane, signed);
            }
            O::I32x4ExtractLane { lane } => {
                self.unary_as(I32X4, |t, x| t.b.ins().extractlane(x, *lane))
            }
            O::I64x2ExtractLane { lane } => {
                self.unary_as(I64X2, |t, x| t.b.ins().extractlane(x, *lane))
            }
            O::F32x4ExtractLane { lane } => {
                self.unary_as(F32X4, |t, x| t.b.ins().extractlane(x, *lane))
            }
            O::F64x2ExtractLane { lane } => {
                self.unary_as(F64X2, |t, x| t.b.ins().extractlane(x, *lane))
            }
            O::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, *lane, true),
            O::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, *lane, true),
            O::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, *lane, false),
            O::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, *lane, false),
            O::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, *lane, false),
            O::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, *lane, false),
            O::I8x16Shuffle { lanes } => {
                self.require(simd.ssse3, "i8x16.shuffle (pshufb)", op)?;
                let (a, b) = self.pop2_as(I8X16);
                let mask = self
                    .b
                    .func
                    .dfg
                    .immediates
                    .push(ConstantData::from(&lanes[..]));
                let v = self.b.ins().shuffle(a, b, mask);
                self.push(v);
            }
            O::I8x16Swizzle => {
                self.require(simd.ssse3, "i8x16.swizzle (pshufb)", op)?;
                self.binary_as(I8X16, |t, a, b| t.b.ins().swizzle(a, b));
            }

            // ---- integer lane arithmetic ----
            O::I8x16Add => self.binary_as(I8X16, |t, x, y| t.b.ins().iadd(x, y)),
            O::I16x8Add => self.binary_as(I16X8, |t, x, y| t.b.ins().iadd(x, y)),
            O::I32x4Add => self.binary_as(I32X4, |t, x, y| t.b.ins().iadd(x, y)),
            O::I64x2Add => self.binary_as(I64X2, |t, x, y| t.b.ins().iadd(x, y)),
            O::I8x16Sub => self.binary_as(I8X16, |t, x, y| t.b.ins().isub(x, y)),
            O::I16x8Sub => self.binary_as(I16X8, |t, x, y| t.b.ins().isub(x, y)),
            O::I32x4Sub => self.binary_as(I32X4, |t, x, y| t.b.ins().isub(x, y)),
            O::I64x2Sub => self.binary_as(I64X2, |t, x, y| t.b.ins().isub(x, y)),
            O::I16x8Mul => self.binary_as(I16X8, |t, x, y| t.b.ins().imul(x, y)),
            O::I32x4Mul => self.binary_as(I32X4, |t, x, y| t.b.ins().imul(x, y)),
            O::I64x2Mul => self.binary_as(I64X2, |t, x, y| t.b.ins().imul(x, y)),
            O::I8x16AddSatS => self.binary_as(I8X16, |t, x, y| t.b.ins().sadd_sat(x, y)),
            O::I16x8AddSatS => self.binary_as(I16X8, |t, x, y| t.b.ins().sadd_sat(x, y)),
            O::I8x16AddSatU => self.binary_as(I8X16, |t, x, y| t.b.ins().uadd_sat(x, y)),
            O::I16x8AddSatU => self.binary_as(I16X8, |t, x, y| t.b.ins().uadd_sat(x, y)),
            O::I8x16SubSatS => self.binary_as(I8X16, |t, x, y| t.b.ins().ssub_sat(x, y)),
            O::I16x8SubSatS => self.binary_as(I16X8, |t, x, y| t.b.ins().ssub_sat(x, y)),
            O::I8x16SubSatU => self.binary_as(I8X16, |t, x, y| t.b.ins().usub_sat(x, y)),
            O::I16x8SubSatU => self.binary_as(I16X8, |t, x, y| t.b.ins().usub_sat(x, y)),
            O::I8x16MinS => self.binary_as(I8X16, |t, x, y| t.b.ins().smin(x, y)),
            O::I16x8MinS => self.binary_as(I16X8, |t, x, y| t.b.ins().smin(x, y)),
            O::I32x4MinS => self.binary_as(I32X4, |t, x, y| t.b.ins().smin(x, y)),
            O::I8x16MinU => self.binary_as(I8X16, |t, x, y| t.b.ins().umin(x, y)),
            O::I16x8MinU => self.binary_as(I16X8, |t, x, y| t.b.ins().umin(x, y)),
            O::I32x4MinU => self.binary_as(I32X4, |t, x, y| t.b.ins().umin(x, y)),
            O::I8x16MaxS => self.binary_as(I8X16, |t, x, y| t.b.ins().smax(x, y)),
            O::I16x8MaxS => self.binary_as(I16X8, |t, x, y| t.b.ins().smax(x, y)),
            O::I32x4MaxS => self.binary_as(I32X4, |t, x, y| t.b.ins().smax(x, y)),
            O::I8x16MaxU => self.binary_as(I8X16, |t, x, y| t.b.ins().umax(x, y)),
            O::I16x8MaxU => self.binary_as(I16X8, |t, x, y| t.b.ins().umax(x, y)),
            O::I32x4MaxU => self.binary_as(I32X4, |t, x, y| t.b.ins().umax(x, y)),
            O::I8x16AvgrU => self.binary_as(I8X16, |t, x, y| t.b.ins().avg_round(x, y)),
            O::I16x8AvgrU => self.binary_as(I16X8, |t, x, y| t.b.ins().avg_round(x, y)),
            O::I8x16Neg => self.unary_as(I8X16, |t, x| t.b.ins().ineg(x)),
            O::I16x8Neg => self.unary_as(I16X8, |t, x| t.b.ins().ineg(x)),
            O::I32x4Neg => self.unary_as(I32X4, |t, x| t.b.ins().ineg(x)),
            O::I64x2Neg => self.unary_as(I64X2, |t, x| t.b.ins().ineg(x)),
            O::I8x16Abs => self.unary_as(I8X16, |t, x| t.b.ins().iabs(x)),
            O::I16x8Abs => self.unary_as(I16X8, |t, x| t.b.ins().iabs(x)),
            O::I32x4Abs => self.unary_as(I32X4, |t, x| t.b.ins().iabs(x)),
            O::I64x2Abs => self.unary_as(I64X2, |t, x| t.b.ins().iabs(x)),
            O::I8x16Popcnt => self.unary_as(I8X16, |t, x| t.b.ins().popcnt(x)),
            O::I16x8Q15MulrSatS => self.binary_as(I16X8, |t, x, y| t.b.ins().sqmul_round_sat(x, y)),
            O::I32x4DotI16x8S => self.binary_as(I16X8, |t, x, y| t.signed_dot(x, y)),
            O::I16x8ExtAddPairwiseI8x16S => self.ext_add_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.ext_add_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.ext_add_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.ext_add_pairwise(I16X8, false),
            O::I16x8ExtMulLowI8x16S => self.ext_mul(I8X16, false, true),
            O::I16x8ExtMulHighI8x16S => self.ext_mul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.ext_mul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.ext_mul(I8X16, true, false),
            O::I32x4ExtMulLowI16x8S => self.ext_mul(I16X8, false, true),
            O::I32x4ExtMulHighI16x8S => self.ext_mul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.ext_mul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.ext_mul(I16X8, true, false),
            O::I64x2ExtMulLowI32x4S => self.ext_mul(I32X4, false, true),
            O::I64x2ExtMulHighI32x4S => self.ext_mul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.ext_mul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.ext_mul(I32X4, true, false),

            // ---- shifts ----
            O::I8x16Shl => self.vector_shift(I8X16, |t, x, y| t.b.ins().ishl(x, y)),
            O::I16x8Shl => self.vector_shift(I16X8, |t, x, y| t.b.ins().ishl(x, y)),
            O::I32x4Shl => self.vector_shift(I32X4, |t, x, y| t.b.ins().ishl(x, y)),
            O::I64x2Shl => self.vector_shift(I64X2, |t, x, y| t.b.ins().ishl(x, y)),
            O::I8x16ShrS => self.vector_shift(I8X16, |t, x, y| t.b.ins().sshr(x, y)),
            O::I16x8ShrS => self.vector_shift(I16X8, |t, x, y| t.b.ins().sshr(x, y)),
            O::I32x4ShrS => self.vector_shift(I32X4, |t, x, y| t.b.ins().sshr(x, y)),
            O::I64x2ShrS => self.vector_shift(I64X2, |t, x, y| t.b.ins().sshr(x, y)),
            O::I8x16ShrU => self.vector_shift(I8X16, |t, x, y| t.b.ins().ushr(x, y)),
            O::I16x8ShrU => self.vector_shift(I16X8, |t, x, y| t.b.ins().ushr(x, y)),
            O::I32x4ShrU => self.vector_shift(I32X4, |t, x, y| t.b.ins().ushr(x, y)),
            O::I64x2ShrU => self.vector_shift(I64X2, |t, x, y| t.b.ins().ushr(x, y)),

            // ---- bitwise ----
            O::V128Not => {
                // Wasmtime applies bnot to the value as it travels, without a bitcast.
                let x = self.pop();
                let v = self.b.ins().bnot(x);
                self.push(v);
            }
            O::V128And => self.binary_as(I8X16, |t, x, y| t.b.ins().band(x, y)),
            O::V128AndNot => self.binary_as(I8X16, |t, x, y| t.b.ins().band_not(x, y)),
            O::V128Or => self.binary_as(I8X16, |t, x, y| t.b.ins().bor(x, y)),
            O::V128Xor => self.binary_as(I8X16, |t, x, y| t.b.ins().bxor(x, y)),
            O::V128Bitselect => {
                let (a, b, c) = self.pop3_as(I8X16);
                let v = self.b.ins().bitselect(c, a, b);
                self.push(v);
            }
            O::V128AnyTrue => self.unary_as(I8X16, |t, x| {
                let c = t.b.ins().vany_true(x);
                t.b.ins().uextend(I32, c)
            }),
            O::I8x16AllTrue => self.all_true(I8X16),
            O::I16x8AllTrue => self.all_true(I16X8),
            O::I32x4AllTrue => self.all_true(I32X4),
            O::I64x2AllTrue => self.all_true(I64X2),
            O::I8x16Bitmask => self.unary_as(I8X16, |t, x| t.b.ins().vhigh_bits(I32, x)),
            O::I16x8Bitmask => self.unary_as(I16X8, |t, x| t.b.ins().vhigh_bits(I32, x)),
            O::I32x4Bitmask => self.unary_as(I32X4, |t, x| t.b.ins().vhigh_bits(I32, x)),
            O::I64x2Bitmask => self.unary_as(I64X2, |t, x| t.b.ins().vhigh_bits(I32, x)),

            // ---- integer comparisons ----
            O::I8x16Eq => self.vector_icmp(IntCC::Equal, I8X16),
            O::I16x8Eq => self.vector_icmp(IntCC::Equal, I16X8),
            O::I32x4Eq => self.vector_icmp(IntCC::Equal, I32X4),
            O::I64x2Eq => self.vector_icmp(IntCC::Equal, I64X2),
            O::I8x16Ne => self.vector_icmp(IntCC::NotEqual, I8X16),
            O::I16x8Ne => self.vector_icmp(IntCC::NotEqual, I16X8),
            O::I32x4Ne => self.vector_icmp(IntCC::NotEqual, I32X4),
            O::I64x2Ne => self.vector_icmp(IntCC::NotEqual, I64X2),
            O::I8x16LtS => self.vector_icmp(IntCC::SignedLessThan, I8X16),
            O::I16x8LtS => self.vector_icmp(IntCC::SignedLessThan, I16X8),
            O::I32x4LtS => self.vector_icmp(IntCC::SignedLessThan, I32X4),
            O::I64x2LtS => self.vector_icmp(IntCC::SignedLessThan, I64X2),
            O::I8x16LtU => self.vector_icmp(IntCC::UnsignedLessThan, I8X16),
            O::I16x8LtU => self.vector_icmp(IntCC::UnsignedLessThan, I16X8),
            O::I32x4LtU => self.vector_icmp(IntCC::UnsignedLessThan, I32X4),
            O::I8x16GtS => self.vector_icmp(IntCC::SignedGreaterThan, I8X16),
            O::I16x8GtS => self.vector_icmp(IntCC::SignedGreaterThan, I16X8),
            O::I32x4GtS => self.vector_icmp(IntCC::SignedGreaterThan, I32X4),
            O::I64x2GtS => self.vector_icmp(IntCC::SignedGreaterThan, I64X2),
            O::I8x16GtU => self.vector_icmp(IntCC::UnsignedGreaterThan, I8X16),
            O::I16x8GtU => self.vector_icmp(IntCC::UnsignedGreaterThan, I16X8),
            O::I32x4GtU => self.vector_icmp(IntCC::UnsignedGreaterThan, I32X4),
            O::I8x16LeS => self.vector_icmp(IntCC::SignedLessThanOrEqual, I8X16),
            O::I16x8LeS => self.vector_icmp(IntCC::SignedLessThanOrEqual, I16X8),
            O::I32x4LeS => self.vector_icmp(IntCC::SignedLessThanOrEqual, I32X4),
            O::I64x2LeS => self.vector_icmp(IntCC::SignedLessThanOrEqual, I64X2),
            O::I8x16LeU => self.vector_icmp(IntCC::UnsignedLessThanOrEqual, I8X16),
            O::I16x8LeU => self.vector_icmp(IntCC::UnsignedLessThanOrEqual, I16X8),
            O::I32x4LeU => self.vector_icmp(IntCC::UnsignedLessThanOrEqual, I32X4),
            O::I8x16GeS => self.vector_icmp(IntCC::SignedGreaterThanOrEqual, I8X16),
            O::I16x8GeS => self.vector_icmp(IntCC::SignedGreaterThanOrEqual, I16X8),
            O::I32x4GeS => self.vector_icmp(IntCC::SignedGreaterThanOrEqual, I32X4),
            O::I64x2GeS => self.vector_icmp(IntCC::SignedGreaterThanOrEqual, I64X2),
            O::I8x16GeU => self.vector_icmp(IntCC::UnsignedGreaterThanOrEqual, I8X16),
            O::I16x8GeU => self.vector_icmp(IntCC::UnsignedGreaterThanOrEqual, I16X8),
            O::I32x4GeU => self.vector_icmp(IntCC::UnsignedGreaterThanOrEqual, I32X4),

            // ---- float lanes ----
            O::F32x4Eq => self.vector_fcmp(FloatCC::Equal, F32X4),
            O::F64x2Eq => self.vector_fcmp(FloatCC::Equal, F64X2),
            O::F32x4Ne => self.vector_fcmp(FloatCC::NotEqual, F32X4),
            O::F64x2Ne => self.vector_fcmp(FloatCC::NotEqual, F64X2),
            O::F32x4Lt => self.vector_fcmp(FloatCC::LessThan, F32X4),
            O::F64x2Lt => self.vector_fcmp(FloatCC::LessThan, F64X2),
            O::F32x4Gt => self.vector_fcmp(FloatCC::GreaterThan, F32X4),
            O::F64x2Gt => self.vector_fcmp(FloatCC::GreaterThan, F64X2),
            O::F32x4Le => self.vector_fcmp(FloatCC::LessThanOrEqual, F32X4),
            O::F64x2Le => self.vector_fcmp(FloatCC::LessThanOrEqual, F64X2),
            O::F32x4Ge => self.vector_fcmp(FloatCC::GreaterThanOrEqual, F32X4),
            O::F64x2Ge => self.vector_fcmp(FloatCC::GreaterThanOrEqual, F64X2),
            O::F32x4Add => self.binary_as(F32X4, |t, x, y| t.b.ins().fadd(x, y)),
            O::F64x2Add => self.binary_as(F64X2, |t, x, y| t.b.ins().fadd(x, y)),
            O::F32x4Sub => self.binary_as(F32X4, |t, x, y| t.b.ins().fsub(x, y)),
            O::F64x2Sub => self.binary_as(F64X2, |t, x, y| t.b.ins().fsub(x, y)),
            O::F32x4Mul => self.binary_as(F32X4, |t, x, y| t.b.ins().fmul(x, y)),
            O::F64x2Mul => self.binary_as(F64X2, |t, x, y| t.b.ins().fmul(x, y)),
            O::F32x4Div => self.binary_as(F32X4, |t, x, y| t.b.ins().fdiv(x, y)),
            O::F64x2Div => self.binary_as(F64X2, |t, x, y| t.b.ins().fdiv(x, y)),
            O::F32x4Min => self.binary_as(F32X4, |t, x, y| t.b.ins().fmin(x, y)),
            O::F64x2Min => self.binary_as(F64X2, |t, x, y| t.b.ins().fmin(x, y)),
            O::F32x4Max => self.binary_as(F32X4, |t, x, y| t.b.ins().fmax(x, y)),
            O::F64x2Max => self.binary_as(F64X2, |t, x, y| t.b.ins().fmax(x, y)),
            O::F32x4PMin => self.pseudo_min_max(F32X4, false),
            O::F64x2PMin => self.pseudo_min_max(F64X2, false),
            O::F32x4PMax => self.pseudo_min_max(F32X4, true),
            O::F64x2PMax => self.pseudo_min_max(F64X2, true),
            O::F32x4Sqrt => self.unary_as(F32X4, |t, x| t.b.ins().sqrt(x)),
            O::F64x2Sqrt => self.unary_as(F64X2, |t, x| t.b.ins().sqrt(x)),
            O::F32x4Neg => self.unary_as(F32X4, |t, x| t.b.ins().fneg(x)),
            O::F64x2Neg => self.unary_as(F64X2, |t, x| t.b.ins().fneg(x)),
            O::F32x4Abs => self.unary_as(F32X4, |t, x| t.b.ins().fabs(x)),
            O::F64x2Abs => self.unary_as(F64X2, |t, x| t.b.ins().fabs(x)),
            O::F32x4Ceil | O::F32x4Floor | O::F32x4Trunc | O::F32x4Nearest => {
                self.require(simd.sse41, "vector rounding (roundps)", op)?;
                self.round(op, F32X4);
            }
            O::F64x2Ceil | O::F64x2Floor | O::F64x2Trunc | O::F64x2Nearest => {
                self.require(simd.sse41, "vector rounding (roundpd)", op)?;
                self.round(op, F64X2);
            }

            // ---- conversions, narrowing, widening ----
            O::F32x4ConvertI32x4S => {
                self.unary_as(I32X4, |t, x| t.b.ins().fcvt_from_sint(F32X4, x))
            }
            O::F32x4ConvertI32x4U => {
                self.unary_as(I32X4, |t, x| t.b.ins().fcvt_from_uint(F32X4, x))
            }
            O::F64x2ConvertLowI32x4S => self.unary_as(I32X4, |t, x| {
                let w = t.b.ins().swiden_low(x);
                t.b.ins().fcvt_from_sint(F64X2, w)
            }),
            O::F64x2ConvertLowI32x4U => self.unary_as(I32X4, |t, x| {
                let w = t.b.ins().uwiden_low(x);
                t.b.ins().fcvt_from_uint(F64X2, w)
            }),
            O::F64x2PromoteLowF32x4 => self.unary_as(F32X4, |t, x| t.b.ins().fvpromote_low(x)),
            O::F32x4DemoteF64x2Zero => self.unary_as(F64X2, |t, x| t.b.ins().fvdemote(x)),
            O::I32x4TruncSatF32x4S => {
                self.unary_as(F32X4, |t, x| t.b.ins().fcvt_to_sint_sat(I32X4, x))
            }
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => {
                self.unary_as(F32X4, |t, x| t.b.ins().fcvt_to_uint_sat(I32X4, x))
            }
            O::I32x4TruncSatF64x2SZero => self.unary_as(F64X2, |t, x| {
                let c = t.b.ins().fcvt_to_sint_sat(I64X2, x);
                t.narrow_with_zero(c, false)
            }),
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
                // Wasmtime falls back to scalar code without SSE4.1; we only do the vector form.
                self.require(simd.sse41, "i32x4.trunc_sat_f64x2_u_zero (SSE4.1)", op)?;
                self.unary_as(F64X2, |t, x| {
                    let c = t.b.ins().fcvt_to_uint_sat(I64X2, x);
                    t.narrow_with_zero(c, true)
                })
            }
            O::I8x16NarrowI16x8S => self.binary_as(I16X8, |t, x, y| t.b.ins().snarrow(x, y)),
            O::I16x8NarrowI32x4S => self.binary_as(I32X4, |t, x, y| t.b.ins().snarrow(x, y)),
            O::I8x16NarrowI16x8U => self.binary_as(I16X8, |t, x, y| t.b.ins().unarrow(x, y)),
            O::I16x8NarrowI32x4U => self.binary_as(I32X4, |t, x, y| t.b.ins().unarrow(x, y)),
            O::I16x8ExtendLowI8x16S => self.unary_as(I8X16, |t, x| t.b.ins().swiden_low(x)),
            O::I16x8ExtendHighI8x16S => self.unary_as(I8X16, |t, x| t.b.ins().swiden_high(x)),
            O::I16x8ExtendLowI8x16U => self.unary_as(I8X16, |t, x| t.b.ins().uwiden_low(x)),
            O::I16x8ExtendHighI8x16U => self.unary_as(I8X16, |t, x| t.b.ins().uwiden_high(x)),
            O::I32x4ExtendLowI16x8S => self.unary_as(I16X8, |t, x| t.b.ins().swiden_low(x)),
            O::I32x4ExtendHighI16x8S => self.unary_as(I16X8, |t, x| t.b.ins().swiden_high(x)),
            O::I32x4ExtendLowI16x8U => self.unary_as(I16X8, |t, x| t.b.ins().uwiden_low(x)),
            O::I32x4ExtendHighI16x8U => self.unary_as(I16X8, |t, x| t.b.ins().uwiden_high(x)),
            O::I64x2ExtendLowI32x4S => self.unary_as(I32X4, |t, x| t.b.ins().swiden_low(x)),
            O::I64x2ExtendHighI32x4S => self.unary_as(I32X4, |t, x| t.b.ins().swiden_high(x)),
            O::I64x2ExtendLowI32x4U => self.unary_as(I32X4, |t, x| t.b.ins().uwiden_low(x)),
            O::I64x2ExtendHighI32x4U => self.unary_as(I32X4, |t, x| t.b.ins().uwiden_high(x)),

            // ---- relaxed SIMD: Wasmtime's x86 choices unless deterministic ----
            O::I8x16RelaxedSwizzle => {
                self.require(simd.ssse3, "i8x16.relaxed_swizzle (pshufb)", op)?;
                if simd.x86_relaxed() {
                    self.binary_as(I8X16, |t, a, b| t.b.ins().x86_pshufb(a, b));
                } else {
                    self.binary_as(I8X16, |t, a, b| t.b.ins().swizzle(a, b));
                }
            }
            O::F32x4RelaxedMadd => self.fma(F32X4, false, op)?,
            O::F64x2RelaxedMadd => self.fma(F64X2, false, op)?,
            O::F32x4RelaxedNmadd => self.fma(F32X4, true, op)?,
            O::F64x2RelaxedNmadd => self.fma(F64X2, true, op)?,
            O::F32x4RelaxedMin | O::F64x2RelaxedMin | O::F32x4RelaxedMax | O::F64x2RelaxedMax => {
                let ty = if matches!(op, O::F32x4RelaxedMin | O::F32x4RelaxedMax) {
                    F32X4
                } else {
                    F64X2
                };
                let max = matches!(op, O::F32x4RelaxedMax | O::F64x2RelaxedMax);
                if simd.x86_relaxed() {
                    self.pseudo_min_max(ty, max);
                } else if max {
                    self.binary_as(ty, |t, x, y| t.b.ins().fmax(x, y));
                } else {
                    self.binary_as(ty, |t, x, y| t.b.ins().fmin(x, y));
                }
            }
            O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let ty = match op {
                    O::I8x16RelaxedLaneselect => I8X16,
                    O::I16x8RelaxedLaneselect => I16X8,
                    O::I32x4RelaxedLaneselect => I32X4,
                    _ => I64X2,
                };
                // x86 `blendv` looks at each lane's top bit only; there is none for 16-bit lanes.
                let blendv = !simd.deterministic && simd.x86 && simd.sse41 && ty != I16X8;
                let (a, b, c) = self.pop3_as(ty);
                let v = if blendv {
                    self.b.ins().blendv(c, a, b)
                } else {
                    self.b.ins().bitselect(c, a, b)
                };
                self.push(v);
            }
            O::I32x4RelaxedTruncF32x4S => {
                if simd.x86_relaxed() {
                    self.unary_as(F32X4, |t, x| t.b.ins().x86_cvtt2dq(I32X4, x));
                } else {
                    self.unary_as(F32X4, |t, x| t.b.ins().fcvt_to_sint_sat(I32X4, x));
                }
            }
            O::I32x4RelaxedTruncF64x2SZero => {
                let x86 = simd.x86_relaxed();
                self.unary_as(F64X2, |t, x| {
                    let c = if x86 {
                        t.b.ins().x86_cvtt2dq(I64X2, x)
                    } else {
                        t.b.ins().fcvt_to_sint_sat(I64X2, x)
                    };
                    t.narrow_with_zero(c, false)
                });
            }
            O::I16x8RelaxedQ15mulrS => {
                if simd.x86_relaxed() && simd.ssse3 {
                    self.binary_as(I16X8, |t, x, y| t.b.ins().x86_pmulhrsw(x, y));
                } else {
                    self.binary_as(I16X8, |t, x, y| t.b.ins().sqmul_round_sat(x, y));
                }
            }
            O::I16x8RelaxedDotI8x16I7x16S => {
                if !simd.deterministic && simd.x86 && simd.ssse3 {
                    self.binary_as(I8X16, |t, x, y| t.b.ins().x86_pmaddubsw(x, y));
                } else {
                    self.binary_as(I8X16, |t, x, y| t.signed_dot(x, y));
                }
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_as(I32X4);
                let (a, b) = self.pop2_as(I8X16);
                let dot32 = if !simd.deterministic && simd.x86 && simd.ssse3 {
                    let dot = self.b.ins().x86_pmaddubsw(a, b);
                    let (lo, hi) = self.widen(dot, true);
                    self.b.ins().iadd_pairwise(lo, hi)
                } else {
                    // Each i32 lane: the exact sum of its four signed i8 * i8 products.
                    let (al, ah) = self.widen(a, true);
                    let (bl, bh) = self.widen(b, true);
                    let lo = self.b.ins().imul(al, bl);
                    let hi = self.b.ins().imul(ah, bh);
                    let (lo_lo, lo_hi) = self.widen(lo, true);
                    let (hi_lo, hi_hi) = self.widen(hi, true);
                    let s_lo = self.b.ins().iadd_pairwise(lo_lo, lo_hi);
                    let s_hi = self.b.ins().iadd_pairwise(hi_lo, hi_hi);
                    self.b.ins().iadd_pairwise(s_lo, s_hi)
                };
                let v = self.b.ins().iadd(dot32, c);
                self.push(v);
            }

            _ => return Ok(false),
        }
        Ok(true)
    }

    fn extract_small(&mut self, ty: ir::Type, lane: u8, signed: bool) {
        self.unary_as(ty, |t, x| {
            let e = t.b.ins().extractlane(x, lane);
            if signed {
                t.b.ins().sextend(I32, e)
            } else {
                t.b.ins().uextend(I32, e)
            }
        });
    }

    /// `replace_lane`: i8/i16 lanes take the low bits of an i32.
    fn replace_lane(&mut self, ty: ir::Type, lane: u8, reduce: bool) {
        let (vector, x) = self.pop2();
        let x = if reduce {
            self.b.ins().ireduce(ty.lane_type(), x)
        } else {
            x
        };
        let vector = self.as_type(vector, ty);
        let v = self.b.ins().insertlane(vector, x, lane);
        self.push(v);
    }

    fn all_true(&mut self, ty: ir::Type) {
        self.unary_as(ty, |t, x| {
            let c = t.b.ins().vall_true(x);
            t.b.ins().uextend(I32, c)
        });
    }

    fn round(&mut self, op: &Operator<'_>, ty: ir::Type) {
        use Operator as O;
        match op {
            O::F32x4Ceil | O::F64x2Ceil => self.unary_as(ty, |t, x| t.b.ins().ceil(x)),
            O::F32x4Floor | O::F64x2Floor => self.unary_as(ty, |t, x| t.b.ins().floor(x)),
            O::F32x4Trunc | O::F64x2Trunc => self.unary_as(ty, |t, x| t.b.ins().trunc(x)),
            _ => self.unary_as(ty, |t, x| t.b.ins().nearest(x)),
        }
    }
}
