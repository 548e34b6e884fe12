import test from 'ava';
import type { OpcodeInfo } from '../../src/ir/opcode-info.js';
import { formats, legacyForms, lookupOpcode, opcodes } from '../../src/ir/opcodes.js';
import { parseType, resultTypes, typeSetContains, typeSetExample, type Type } from '../../src/ir/types.js';

function info(name: string): OpcodeInfo {
  const found = lookupOpcode(name);
  if (found === undefined) throw new Error(`no opcode ${name}`);
  return found;
}

function type(name: string): Type {
  const parsed = parseType(name);
  if (parsed === undefined) throw new Error(`no type ${name}`);
  return parsed;
}

/** Result type names of `name` controlled by `ctrl`, or undefined. */
function results(name: string, ctrl?: string): string[] | undefined {
  return resultTypes(info(name), ctrl === undefined ? undefined : type(ctrl))?.map((t) => t.name);
}

const count = <T>(items: Iterable<T>, keep: (item: T) => boolean) => [...items].filter(keep).length;

test('the table holds every opcode of Cranelift 0.135.8 and the legacy dialect', (t) => {
  t.is(count(opcodes.values(), (i) => i.dialect === 'current'), 163);
  t.is(count(opcodes.values(), (i) => i.dialect === 'legacy'), 72);
  t.is(opcodes.size, 235);
  t.is(count(formats.values(), (f) => f.dialect === 'current'), 36);
  t.is(count(formats.values(), (f) => f.dialect === 'legacy'), 19);
});

test('map keys are opcode and format names', (t) => {
  for (const [name, i] of opcodes) t.is(i.name, name);
  for (const [name, f] of formats) t.is(f.name, name);
  for (const [name, i] of legacyForms) t.is(i.name, name);
});

test('every opcode names a format that exists, in a dialect it may use', (t) => {
  for (const i of [...opcodes.values(), ...legacyForms.values()]) {
    const f = formats.get(i.format);
    t.truthy(f, `${i.name}: ${i.format}`);
    if (i.dialect === 'current') t.is(f?.dialect, 'current', i.name);
  }
});

test('every format is used by some opcode', (t) => {
  const used = new Set([...opcodes.values(), ...legacyForms.values()].map((i) => i.format));
  for (const name of formats.keys()) t.true(used.has(name), name);
});

test('typevar operands index a value operand of their format', (t) => {
  for (const f of formats.values()) {
    if (f.typevarOperand === null) t.is(f.valueOperands, 0, `${f.name} has values but no typevar operand`);
    else t.true(f.typevarOperand < f.valueOperands, f.name);
  }
});

test('opcodes that infer their type have a format with a typevar operand', (t) => {
  for (const i of [...opcodes.values(), ...legacyForms.values()]) {
    if (i.useTypevarOperand) {
      t.true(i.polymorphic, i.name);
      t.not(formats.get(i.format)?.typevarOperand, null, i.name);
    }
  }
});

test('branches, returns and traps that end a block are terminators', (t) => {
  for (const i of opcodes.values()) {
    if (i.isReturn) t.true(i.isTerminator, i.name);
    if (i.dialect === 'current' && i.isBranch) t.true(i.isTerminator, i.name);
  }
});

test('format operand pieces and value counts follow the syntax template', (t) => {
  const load = formats.get('Load');
  t.deepEqual(load?.operands, ['memflags', 'value', 'offset32']);
  t.is(load?.valueOperands, 1);
  t.false(load?.hasValueList);
  t.deepEqual(formats.get('Store')?.operands, ['memflags', 'value', 'value', 'offset32']);
  t.deepEqual(formats.get('IntCompare')?.operands, ['intcc', 'value', 'value']);
  t.deepEqual(formats.get('CallIndirect')?.operands, ['sigRef', 'value', 'args']);
  t.true(formats.get('CallIndirect')?.hasValueList);
  t.deepEqual(formats.get('TryCall')?.operands, ['funcRef', 'args', 'exceptionTable']);
  t.deepEqual(formats.get('Brif')?.operands, ['value', 'blockCall', 'blockCall']);
  t.deepEqual(formats.get('NullAry')?.operands, []);
  t.deepEqual(formats.get('StackStore')?.operands, ['value', 'stackSlot', 'offset32']);
  t.deepEqual(formats.get('IntCompareImm')?.operands, ['intcc', 'value', 'imm64']);
  t.is(formats.get('AtomicCas')?.typevarOperand, 2);
  t.is(formats.get('Ternary')?.typevarOperand, 1);
  t.is(formats.get('Call')?.typevarOperand, null);
});

type Typing = 'mono' | 'operand' | 'result';
const typingOf = (i: OpcodeInfo): Typing => (!i.polymorphic ? 'mono' : i.useTypevarOperand ? 'operand' : 'result');
const flagsOf = (i: OpcodeInfo): string =>
  (
    [
      ['terminator', i.isTerminator],
      ['branch', i.isBranch],
      ['call', i.isCall],
      ['return', i.isReturn],
      ['trap', i.canTrap],
      ['load', i.canLoad],
      ['store', i.canStore],
      ['effects', i.otherSideEffects],
      ['idempotent', i.sideEffectsIdempotent === true],
    ] as const
  )
    .filter(([, on]) => on)
    .map(([flag]) => flag)
    .join(' ');

// [name, format, typing, flags]
const spotChecks: readonly [string, string, Typing, string][] = [
  ['jump', 'Jump', 'mono', 'terminator branch'],
  ['brif', 'Brif', 'operand', 'terminator branch'],
  ['br_table', 'BranchTable', 'mono', 'terminator branch'],
  ['return', 'MultiAry', 'mono', 'terminator return'],
  ['call', 'Call', 'mono', 'call'],
  ['call_indirect', 'CallIndirect', 'operand', 'call'],
  ['return_call', 'Call', 'mono', 'terminator call return'],
  ['return_call_indirect', 'CallIndirect', 'operand', 'terminator call return'],
  ['try_call', 'TryCall', 'mono', 'terminator branch call'],
  ['try_call_indirect', 'TryCallIndirect', 'operand', 'terminator branch call'],
  ['trap', 'Trap', 'mono', 'terminator trap'],
  ['trapnz', 'CondTrap', 'operand', 'trap idempotent'],
  ['debugtrap', 'NullAry', 'mono', 'load store effects'],
  ['nop', 'NullAry', 'mono', ''],
  ['fence', 'NullAry', 'mono', 'effects'],
  ['stack_switch', 'Ternary', 'operand', 'call load store effects'],
  ['load', 'Load', 'result', 'load'],
  ['uload32', 'Load', 'operand', 'load'],
  ['store', 'Store', 'operand', 'store'],
  ['istore32', 'Store', 'operand', 'store'],
  ['atomic_rmw', 'AtomicRmw', 'result', 'load store effects'],
  ['atomic_cas', 'AtomicCas', 'operand', 'load store effects'],
  ['atomic_load', 'LoadNoOffset', 'result', 'load effects'],
  ['atomic_store', 'StoreNoOffset', 'operand', 'store effects'],
  ['bitcast', 'LoadNoOffset', 'result', ''],
  ['iconst', 'UnaryImm', 'result', ''],
  ['f64const', 'UnaryIeee64', 'mono', ''],
  ['vconst', 'UnaryConst', 'result', ''],
  ['get_pinned_reg', 'NullAry', 'result', 'effects'],
  ['set_pinned_reg', 'Unary', 'operand', 'effects'],
  ['stack_addr', 'StackAddr', 'result', ''],
  ['symbol_value', 'UnaryGlobalValue', 'result', ''],
  ['iadd', 'Binary', 'operand', ''],
  ['udiv', 'Binary', 'operand', 'trap idempotent'],
  ['uadd_overflow_trap', 'IntAddTrap', 'operand', 'trap idempotent'],
  ['select', 'Ternary', 'operand', ''],
  ['uextend', 'Unary', 'result', ''],
  ['fcvt_to_sint', 'Unary', 'result', 'trap idempotent'],
  ['swizzle', 'Binary', 'mono', ''],
  ['shuffle', 'Shuffle', 'mono', ''],
  ['extractlane', 'BinaryImm8', 'operand', ''],
  ['insertlane', 'TernaryImm8', 'operand', ''],
  ['get_exception_handler_address', 'ExceptionHandlerAddress', 'result', ''],
  ['iadd_imm', 'BinaryImm64', 'operand', ''],
  ['irsub_imm', 'BinaryImm64', 'operand', ''],
  ['icmp_imm', 'IntCompareImm', 'operand', ''],
  ['stack_load', 'StackLoad', 'result', 'load'],
  ['stack_store', 'StackStore', 'operand', 'store'],
  ['dynamic_stack_store', 'DynamicStackStore', 'operand', 'store'],
  ['global_value', 'UnaryGlobalValue', 'result', ''],
  ['band_not', 'Binary', 'operand', ''],
  ['brz', 'Branch', 'operand', 'branch'],
  ['brnz', 'Branch', 'operand', 'branch'],
  ['ifcmp_imm', 'BinaryImm64', 'operand', ''],
  ['trueif', 'IntCond', 'mono', ''],
  ['trapif', 'IntCondTrap', 'mono', 'trap'],
  ['selectif', 'IntSelect', 'result', ''],
  ['selectif_spectre_guard', 'IntSelect', 'result', 'effects'],
  ['heap_addr', 'HeapAddr', 'result', ''],
  ['resumable_trap', 'Trap', 'mono', 'trap'],
];

for (const [name, formatName, typing, flags] of spotChecks) {
  test(`${name}: ${formatName}, ${typing}, [${flags}]`, (t) => {
    const i = info(name);
    t.is(i.format, formatName);
    t.is(typingOf(i), typing);
    t.is(flagsOf(i), flags);
  });
}

test('dialects: the 2026 removals and 2022 flag ops are legacy, their successors current', (t) => {
  for (const name of ['iadd_imm', 'icmp_imm', 'stack_load', 'global_value', 'bxor_not', 'brz', 'ifcmp', 'trueif', 'bint']) {
    t.is(info(name).dialect, 'legacy', name);
  }
  for (const name of ['iadd', 'icmp', 'stack_addr', 'symbol_value', 'bxor', 'brif', 'select']) {
    t.is(info(name).dialect, 'current', name);
  }
});

test('legacy forms of reused names: flags brif and jump-table br_table', (t) => {
  const brif = legacyForms.get('brif');
  t.is(brif?.format, 'BranchInt');
  t.is(brif?.dialect, 'legacy');
  t.true(brif?.isBranch);
  t.false(brif?.isTerminator);
  const brTable = legacyForms.get('br_table');
  t.is(brTable?.format, 'LegacyBranchTable');
  t.true(brTable?.isTerminator);
  t.is(legacyForms.size, 2);
  t.is(info('brif').format, 'Brif');
});

test('unknown names are not opcodes', (t) => {
  for (const name of ['', 'IADD', 'iadd ', 'iadd.i32', 'fallthrough', 'constructor', '__proto__', 'toString']) {
    t.is(lookupOpcode(name), undefined, name);
  }
});

test('result types follow the controlling type', (t) => {
  t.deepEqual(results('icmp', 'i32x4'), ['i32x4']);
  t.deepEqual(results('icmp', 'i64'), ['i8']);
  t.deepEqual(results('fcmp', 'f64x2'), ['i64x2']);
  t.deepEqual(results('fcmp', 'f32'), ['i8']);
  t.deepEqual(results('iconcat', 'i64'), ['i128']);
  t.deepEqual(results('isplit', 'i128'), ['i64', 'i64']);
  t.deepEqual(results('iadd', 'i32'), ['i32']);
  t.deepEqual(results('extractlane', 'f32x4'), ['f32']);
  t.deepEqual(results('snarrow', 'i32x4'), ['i16x8']);
  t.deepEqual(results('swiden_low', 'i16x8'), ['i32x4']);
  t.deepEqual(results('uwiden_high', 'i8x16xN'), ['i16x8xN']);
  t.deepEqual(results('extract_vector', 'i32x4xN'), ['i32x4']);
  t.deepEqual(results('uadd_overflow_cin', 'i64'), ['i64', 'i8']);
  t.deepEqual(results('smul_overflow', 'i32'), ['i32', 'i8']);
  t.deepEqual(results('uload32', 'i64'), ['i64']);
  t.deepEqual(results('uload8x8', 'i32'), ['i16x8']);
  t.deepEqual(results('vall_true', 'i32x4'), ['i8']);
  t.deepEqual(results('store', 'i64'), []);
  t.deepEqual(results('icmp_imm', 'i64'), ['i8']);
  t.deepEqual(results('ifcmp', 'i32'), ['iflags']);
  t.deepEqual(results('iadd_ifcout', 'i32'), ['i32', 'iflags']);
  t.deepEqual(results('trueif'), ['b1']);
  t.deepEqual(results('vsplit', 'i32x4'), ['i32x2', 'i32x2']);
  t.deepEqual(results('vconcat', 'i32x2'), ['i32x4']);
  t.deepEqual(results('f32const'), ['f32']);
  t.deepEqual(results('shuffle'), ['i8x16']);
});

test('result types are undefined for calls, a missing controlling type, or an impossible derivation', (t) => {
  t.is(info('call').results, 'signature');
  t.is(info('call_indirect').results, 'signature');
  t.deepEqual(info('return_call').results, []);
  t.is(results('call', 'i64'), undefined);
  t.is(results('iadd'), undefined);
  t.is(results('iconcat', 'i128'), undefined);
  t.is(results('isplit', 'i8'), undefined);
  t.is(results('snarrow', 'i8x16'), undefined);
});

test('polymorphic opcodes, and only they, carry a controlling type set', (t) => {
  for (const i of [...opcodes.values(), ...legacyForms.values()]) {
    t.is(i.ctrlTypes !== undefined, i.polymorphic, i.name);
  }
});

/** Whether `name` accepts each of `types` as its controlling type. */
function accepts(name: string, types: string): boolean[] {
  const set = info(name).ctrlTypes;
  if (set === undefined) throw new Error(`${name} is not polymorphic`);
  return types.split(' ').map((n) => typeSetContains(set, type(n)));
}

test('controlling type sets admit what Cranelift\'s reader admits', (t) => {
  t.deepEqual(accepts('iadd', 'i8 i128 i32x4 i32x4xN f32 f32x4 b1'), [true, true, true, true, false, false, false]);
  t.deepEqual(accepts('fadd', 'f16 f128 f64x2 f32x4xN i32'), [true, true, true, true, false]);
  t.deepEqual(accepts('iconst', 'i8 i64 i128 i32x4'), [true, true, false, false]);
  t.deepEqual(accepts('uload8', 'i8 i16 i64 i128'), [false, true, true, false]);
  t.deepEqual(accepts('istore32', 'i32 i64'), [false, true]);
  t.deepEqual(accepts('sqmul_round_sat', 'i16x8 i32x4 i16x4 i16 i8x16'), [true, true, true, false, false]);
  t.deepEqual(accepts('brif', 'i8 i128 i32x4'), [true, true, false]);
  t.deepEqual(accepts('select', 'i64 f32 f32x4 i32x4xN'), [true, true, true, false]);
  t.deepEqual(accepts('load', 'i64 f64x2 i8x16xN b1'), [true, true, true, false]);
  t.deepEqual(accepts('splat', 'i32 i32x4 f32x4xN'), [false, true, true]);
  t.deepEqual(accepts('call_indirect', 'i32 i64 i16'), [true, true, false]);
  t.deepEqual(accepts('swiden_low', 'i8x16 i32x4 i64x2'), [true, true, false]);
  t.deepEqual(accepts('bconst', 'b1 b8x16 i8'), [true, true, false]);
  t.deepEqual(accepts('is_null', 'r64 i64'), [true, false]);
  t.deepEqual(accepts('heap_addr', 'i64 r64 i16'), [true, true, false]);
});

test('type set examples match the reader\'s error messages', (t) => {
  const example = (name: string) => {
    const set = info(name).ctrlTypes;
    return set === undefined ? undefined : typeSetExample(set).name;
  };
  // Seen in the bundled reader's "type variable required ... e.g. 'uload8.i32'" errors.
  t.is(example('uload8'), 'i32');
  t.is(example('splat'), 'i32x2');
  t.is(example('sqmul_round_sat'), 'i8x4');
  t.is(example('fadd'), 'f32');
  t.is(example('istore32'), 'i32');
  t.is(example('extract_vector'), 'i32');
  t.is(example('vconst'), 'i32x2');
  t.is(example('breduce'), 'b1');
  t.is(example('null'), 'r32');
});
