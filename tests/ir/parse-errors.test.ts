// Invalid input gives a ClifParseError with the right place and reason. Every case here is also
// rejected by Cranelift 0.135.8's reader.
import test from 'ava';
import { ClifParseError, parse, parseFunction, print } from '../../src/ir/index.js';
import { Lexer, Tok } from '../../src/ir/lexer.js';

interface Case {
  readonly text: string;
  readonly line: number;
  readonly column: number;
  readonly reason: RegExp;
}

const fn = (body: string, sig = '(i32)', preamble = '') =>
  `function %f${sig} {\n${preamble}block0(v0: i32):\n${body}\n    return\n}\n`;

const cases: Record<string, Case> = {
  'forward reference needs a type': {
    text: fn('    v1 = iadd v2, v2\n    v2 = iconst.i32 1'),
    line: 3,
    column: 10,
    reason: /type variable required for polymorphic opcode, e\.g\. 'iadd\.i32'; can't infer from v2 which is not yet defined/,
  },
  'i8 immediate out of range': { text: fn('    v1 = iconst.i8 256'), line: 3, column: 20, reason: /expected decimal immediate/ },
  'iconst without a type': { text: fn('    v1 = iconst 1'), line: 3, column: 17, reason: /i8, i16, i32 or i64/ },
  'decimal float': { text: fn('    v1 = f32const 1.5'), line: 3, column: 19, reason: /Float must be hexadecimal/ },
  'float too large': { text: fn('    v1 = f32const 0x1.0p200'), line: 3, column: 19, reason: /Magnitude too large/ },
  'type outside the typeset': { text: fn('    v1 = iadd.f32 v0, v0'), line: 3, column: 10, reason: /f32 is not a valid typevar for iadd/ },
  'conflicting endianness': { text: fn('    v1 = load.i32 little big v0'), line: 3, column: 26, reason: /big and little/ },
  'user trap 0': { text: fn('    trap user0'), line: 3, column: 10, reason: /expected trap code/ },
  'value defined twice': { text: fn('    v0 = iconst.i32 1'), line: 3, column: 5, reason: /duplicate entity: v0/ },
  'block defined twice': { text: `function %f() {\nblock0:\n    return\nblock0:\n    return\n}\n`, line: 4, column: 1, reason: /duplicate entity: block0/ },
  'bad stack slot alignment': {
    text: fn('', '(i32)', '    ss0 = explicit_slot 8, align = 3\n'),
    line: 3,
    column: 1,
    reason: /not a power of two/,
  },
  'alias regions out of order': { text: fn('', '(i32)', '    region1 = 1 "x"\n'), line: 2, column: 5, reason: /duplicate alias region region1/ },
  'alias to an undefined value': { text: fn('    v2 -> v1'), line: 3, column: 11, reason: /value v1 is not yet defined/ },
  'call of an undeclared function': { text: fn('    v1 = call fn0(v0)'), line: 3, column: 15, reason: /undefined function fn0/ },
  'unknown calling convention': { text: fn('', '(i32) -> i32 bogus'), line: 1, column: 25, reason: /unknown calling convention: bogus/ },
  'invalid character': { text: fn('    nop $'), line: 3, column: 9, reason: /invalid character/ },
  'unterminated function': { text: 'function %f() {\nblock0:\n    nop\n', line: 4, column: 1, reason: /expected block header/ },
  'too many results': { text: fn('    v1, v2 = iadd v0, v0'), line: 3, column: 5, reason: /produces 1 result values, 2 given/ },
  'block number too large': { text: 'function %f() {\nblock100000:\n    return\n}\n', line: 2, column: 12, reason: /too many blocks/ },
  'constant wider than 128 bits': {
    text: fn('    v1 = vconst.i32x4 0x0102030405060708090a0b0c0d0e0f1011'),
    line: 3,
    column: 23,
    reason: /too many digits to fit in a 128-bit vector/,
  },
  'type suffix on a monomorphic opcode': { text: fn('    nop.i32'), line: 3, column: 5, reason: /nop does not take a typevar/ },
  'constant defined twice': { text: fn('', '(i32)', '    const0 = 0x01\n    const0 = 0x02\n'), line: 3, column: 12, reason: /duplicate entity: const0/ },
  'source location over 32 bits': { text: fn('    @123456789 v1 = iadd v0, v0'), line: 3, column: 5, reason: /invalid source location/ },
  'undeclared stack slot': { text: fn('    v1 = stack_addr.i64 ss0'), line: 3, column: 25, reason: /undefined stack slot ss0/ },
  'offset out of range': { text: fn('    v1 = load.i32 v0+0x8000_0000'), line: 3, column: 21, reason: /Offset out of range/ },
  'undefined operand': { text: fn('    jump block0(v9)'), line: 3, column: 5, reason: /undefined operand value v9/ },
  'alias cycle': { text: fn('    v1 -> v0\n    v1 -> v2'), line: 4, column: 11, reason: /already defined as an alias with destination v0/ },
  'not a function': { text: 'fn %f() {}\n', line: 1, column: 1, reason: /expected 'function'/ },
  'unterminated string': { text: fn('', '(i32)', '    region0 = 1 "abc\n'), line: 2, column: 17, reason: /unterminated string/ },
  // The fast paths of issue 16 (words found by hash, numbers read in place) keep the places.
  'unknown opcode': { text: fn('    v1 = frobnicate v0'), line: 3, column: 10, reason: /unknown opcode: 'frobnicate'/ },
  'unknown opcode named like a known word': { text: fn('    v1 = iadd_x v0, v0'), line: 3, column: 10, reason: /unknown opcode: 'iadd_x'/ },
  'decimal offset out of range': { text: fn('    v1 = load.i32 v0+3000000000'), line: 3, column: 21, reason: /Offset out of range/ },
  'source location of nine digits after a valid one': {
    text: fn('    @0001 v1 = iadd v0, v0\n    @100000000 v2 = iadd v0, v0'),
    line: 4,
    column: 5,
    reason: /invalid source location: 100000000/,
  },
  'i16 immediate out of range, read in place': { text: fn('    v1 = iconst.i16 65536'), line: 3, column: 21, reason: /expected decimal immediate/ },
};

for (const [name, c] of Object.entries(cases)) {
  test(`rejects: ${name}`, (t) => {
    const error = t.throws(() => parse(c.text), { instanceOf: ClifParseError });
    t.regex(error.reason, c.reason);
    t.is(error.line, c.line, `${error.message}`);
    t.is(error.column, c.column, `${error.message}`);
    t.is(error.lineText, c.text.split('\n')[c.line - 1] ?? '');
  });
}

test('the error formats as FILE:LINE:COL with the line and a caret', (t) => {
  const error = t.throws(() => parse(fn('    v1 = iadd.f32 v0, v0')), { instanceOf: ClifParseError });
  t.is(error.format('x.clif'), 'x.clif:3:10: f32 is not a valid typevar for iadd\n        v1 = iadd.f32 v0, v0\n             ^\n');
});

test('accepts an empty file and a file of only headers', (t) => {
  t.deepEqual(parse(''), { headers: [], functions: [] });
  const file = parse('test verifier ; checks\nset opt_level=speed\ntarget x86_64 has_avx\nfeature "foo"\n');
  t.deepEqual(file.headers, ['test verifier', 'set opt_level=speed', 'target x86_64 has_avx', 'feature "foo"']);
  t.is(file.functions.length, 0);
});

test('numbers read in place mean what the slow path reads', (t) => {
  // Leading zeros in a source location, a negative zero offset, immediates at the edges.
  const text = fn('    @000012345678 v1 = load.i32 v0-0\n    @0002 v2 = iconst.i8 255\n    @0003 v3 = iconst.i64 123456789\n    @0004 v4 = load.i32 v0-123456789');
  const printed = print(parseFunction(text));
  t.regex(printed, /@12345678 +v1 = load\.i32 v0\n/);
  t.regex(printed, /v2 = iconst\.i8 -1\n/); // the writer sign-extends to the type
  t.regex(printed, /v3 = iconst\.i64 0x075b_cd15\n/);
  t.regex(printed, /v4 = load\.i32 v0-0x075b_cd15\n/);
});

test('the lexer reads more distinct words than its intern table holds', (t) => {
  // The table keeps a few thousand words; past that, words are sliced and classified each time.
  const words = Array.from({ length: 6000 }, (_, i) => `w${i}x`);
  const lex = new Lexer(`${words.join(' ')} i16x8 cold plain`);
  for (const w of words) {
    t.is(lex.kind, Tok.Identifier);
    t.is(lex.text(), w);
    lex.next();
  }
  t.is(lex.kind, Tok.Type);
  t.is(lex.type.name, 'i16x8');
  lex.next();
  t.is(lex.kind, Tok.Cold);
  lex.next();
  t.is(lex.text(), 'plain');
});
