import test from 'ava';
import fc from 'fast-check';
import {
  asInt,
  asTruthy,
  byLanes,
  deriveType,
  doubleVector,
  doubleWidth,
  dynamicToVector,
  F16,
  F32,
  F64,
  FFLAGS,
  halfVector,
  halfWidth,
  I128,
  I16,
  I32,
  I64,
  I8,
  IFLAGS,
  laneOf,
  mergeLanes,
  parseType,
  scalarTypes,
  splitLanes,
  Type,
  vectorToDynamic,
  type LaneKind,
} from '../../src/ir/types.js';

function type(name: string): Type {
  const parsed = parseType(name);
  if (parsed === undefined) throw new Error(`no type ${name}`);
  return parsed;
}

const nameOf = (t: Type | undefined) => t?.name;

test('scalar types parse, print and report their sizes', (t) => {
  const expected: [string, number][] = [
    ['i8', 8], ['i16', 16], ['i32', 32], ['i64', 64], ['i128', 128],
    ['f16', 16], ['f32', 32], ['f64', 64], ['f128', 128],
  ];
  t.deepEqual(scalarTypes.map((s) => [s.name, s.bits]), expected);
  for (const s of scalarTypes) {
    t.is(parseType(s.name), s);
    t.is(String(s), s.name);
    t.is(s.lane, s);
    t.is(s.laneCount, 1);
    t.is(s.bytes, s.bits / 8);
    t.true(s.isScalar);
    t.false(s.isVector);
    t.false(s.isDynamic);
    t.is(s.isInt, s.name.startsWith('i'));
    t.is(s.isFloat, s.name.startsWith('f'));
  }
});

test('fixed vectors of every lane type and power-of-two lane count up to 256 round-trip', (t) => {
  for (const lane of scalarTypes) {
    for (let lanes = 2; lanes <= 256; lanes *= 2) {
      const name = `${lane.name}x${lanes}`;
      const v = type(name);
      t.is(v.name, name);
      t.is(v.lane, lane);
      t.is(v.laneCount, lanes);
      t.is(v.bits, lane.bits * lanes);
      t.true(v.isVector);
      t.false(v.isInt || v.isFloat || v.isScalar);
      t.is(parseType(name), v);
    }
  }
});

test('types are interned: equal types are the same object', (t) => {
  t.is(Type.of('int', 32), I32);
  t.is(Type.of('int', 32, 4), type('i32x4'));
  t.is(type('f64x2'), type('f64x2'));
  t.is(byLanes(I16, 8), type('i16x8'));
  t.not(type('i32x4'), type('i32x4xN'));
});

test('i32x1 is the scalar i32, as in Cranelift', (t) => {
  t.is(parseType('i32x1'), I32);
});

test('non-types are rejected', (t) => {
  const garbage = [
    '', 'i', 'f', 'i7', 'i256', 'f8', 'i32x', 'i32x3', 'i32x0', 'i32x512', 'i8x1024', 'I32', ' i32', 'i32 ',
    'i032', 'i32x04', 'i32xN', 'x4', 'i32x4xn', 'i32x4xNN', 'i32x1xN', 'b2', 'b1x4', 'r16', 'r64x2',
    'iflagsx2', 'flags', 'v1', 'block0', 'constructor', '__proto__', 'toString', 'i8x128xN',
  ];
  for (const text of garbage) t.is(parseType(text), undefined, JSON.stringify(text));
});

test('legacy types: booleans, references and flags', (t) => {
  const b1 = type('b1');
  t.true(b1.isBool);
  t.is(b1.laneBits, 1);
  t.is(type('b8x16').lane, type('b8'));
  t.true(type('r64').isRef);
  t.is(type('r32').bits, 32);
  t.is(parseType('iflags'), IFLAGS);
  t.is(parseType('fflags'), FFLAGS);
  t.true(IFLAGS.isFlags);
  t.is(IFLAGS.bits, 0);
  t.not(IFLAGS, FFLAGS);
  t.is(Type.of('flags', 0), undefined);
});

test('dynamic vectors: sizes as Cranelift reports them', (t) => {
  const d = type('i32x4xN');
  t.true(d.isDynamic);
  t.false(d.isVector);
  t.is(d.laneCount, 0);
  t.is(d.minLaneCount, 4);
  t.is(d.bits, 0);
  t.is(d.minBits, 128);
  t.is(d.lane, I32);
  t.is(d.writerName, 'types::I32x4xN');
  t.is(type('i32x4').writerName, 'i32x4');
  t.is(nameOf(dynamicToVector(d)), 'i32x4');
  t.is(vectorToDynamic(type('i32x4')), d);
  t.is(vectorToDynamic(type('i64x8')), undefined);
  t.is(dynamicToVector(type('i32x4')), undefined);
  t.is(nameOf(type('i8x64xN')), 'i8x64xN');
  t.is(nameOf(type('i64x2xN')), 'i64x2xN');
});

test('lane_of, as_truthy, as_int', (t) => {
  t.is(laneOf(type('f32x4')), F32);
  t.is(laneOf(I64), I64);
  t.is(asTruthy(I64), I8);
  t.is(asTruthy(F64), I8);
  t.is(nameOf(asTruthy(type('f32x4'))), 'i32x4');
  t.is(nameOf(asTruthy(type('i16x8'))), 'i16x8');
  t.is(asTruthy(type('i32x4xN')), I8);
  t.is(nameOf(asInt(type('f64x2'))), 'i64x2');
  t.is(asInt(F16), I16);
  t.is(asInt(type('b1')), I8);
  t.is(asInt(IFLAGS), undefined);
});

test('half_width and double_width', (t) => {
  t.is(halfWidth(I64), type('i32'));
  t.is(halfWidth(I8), undefined);
  t.is(halfWidth(F32), F16);
  t.is(halfWidth(F16), undefined);
  t.is(nameOf(halfWidth(type('i32x4'))), 'i16x4');
  t.is(doubleWidth(I64), I128);
  t.is(doubleWidth(I128), undefined);
  t.is(nameOf(doubleWidth(type('f32x4'))), 'f64x4');
  t.is(nameOf(doubleWidth(type('i8x16xN'))), 'i16x16xN');
  t.is(nameOf(halfWidth(type('b16'))), 'b8');
  t.is(doubleWidth(type('b1')), undefined);
});

test('split_lanes, merge_lanes, half_vector, double_vector', (t) => {
  t.is(nameOf(splitLanes(type('i32x4'))), 'i16x8');
  t.is(nameOf(splitLanes(I64)), 'i32x2');
  t.is(splitLanes(I8), undefined);
  t.is(nameOf(mergeLanes(type('i16x8'))), 'i32x4');
  t.is(mergeLanes(I32), undefined);
  // Cranelift drops one lane count step from the doubled type: i64x2 merges into the scalar i128.
  t.is(mergeLanes(type('i64x2')), I128);
  t.is(nameOf(halfVector(type('i32x4'))), 'i32x2');
  t.is(halfVector(type('i32x2')), I32);
  t.is(halfVector(I32), undefined);
  t.is(nameOf(doubleVector(I32)), 'i32x2');
  t.is(doubleVector(type('i8x256')), undefined);
  t.is(splitLanes(type('i32x4xN')), undefined);
});

test('deriveType resolves lane reshaping of dynamic vectors through their fixed size', (t) => {
  t.is(nameOf(deriveType('split_lanes', type('i32x4xN'))), 'i16x8xN');
  t.is(nameOf(deriveType('merge_lanes', type('i16x8xN'))), 'i32x4xN');
  t.is(deriveType('merge_lanes', type('i64x2xN')), undefined);
  t.is(nameOf(deriveType('dynamic_to_vector', type('f64x2xN'))), 'f64x2');
  t.is(deriveType('as_truthy', type('f64x2')), type('i64x2'));
});

const laneKinds: LaneKind[] = ['int', 'float', 'bool', 'ref'];

test('property: Type.of and parseType agree, and names round-trip', (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(...laneKinds),
      fc.constantFrom(1, 8, 16, 32, 64, 128, 24),
      fc.integer({ min: 0, max: 10 }),
      fc.boolean(),
      (kind, bits, log2Lanes, dynamic) => {
        const made = Type.of(kind, bits, 2 ** log2Lanes, dynamic);
        if (made === undefined) return;
        t.is(parseType(made.name), made);
        t.is(made.laneBits, bits);
        t.is(made.minLaneCount, 2 ** log2Lanes);
      },
    ),
  );
});

test('property: parseType on any string returns undefined or a type whose name parses back to it', (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[ifbr][0-9]{1,3}(x[0-9]{1,3}(xN)?)?$/)), (text) => {
      const parsed = parseType(text);
      t.true(parsed === undefined || parseType(parsed.name) === parsed, text);
    }),
  );
});

test('property: derived types keep the documented shape', (t) => {
  const vectors = scalarTypes.flatMap((lane) => [2, 4, 8, 16].map((n) => byLanes(lane, n) as Type));
  for (const v of [...scalarTypes, ...vectors]) {
    t.is(asTruthy(v).minLaneCount, v.isVector ? v.laneCount : 1);
    const half = halfWidth(v);
    if (half !== undefined) t.is(doubleWidth(half), v);
    const split = splitLanes(v);
    if (split !== undefined && split.isVector && v.isVector) t.is(mergeLanes(split), v);
  }
});
