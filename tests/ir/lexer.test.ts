// The tokenizer splits text the way cranelift-reader's lexer does.
import test from 'ava';
import { Lexer, Tok, type TokKind } from '../../src/ir/lexer.js';
import { ClifParseError } from '../../src/ir/parse-error.js';

function tokens(text: string): [TokKind, string][] {
  const lex = new Lexer(text);
  const out: [TokKind, string][] = [];
  while (lex.kind !== Tok.Eof) {
    out.push([lex.kind, lex.src.slice(lex.start, lex.end)]);
    lex.next();
  }
  return out;
}

test('entities, types and identifiers', (t) => {
  t.deepEqual(tokens('v0 v12 block3 ss1 dss2 dt3 gv4 const5 fn6 sig7 u8 region9 tag1 ret0 exn1 jt2 heap3 table4'), [
    [Tok.Value, 'v0'],
    [Tok.Value, 'v12'],
    [Tok.Block, 'block3'],
    [Tok.StackSlot, 'ss1'],
    [Tok.DynamicStackSlot, 'dss2'],
    [Tok.DynamicType, 'dt3'],
    [Tok.GlobalValue, 'gv4'],
    [Tok.Constant, 'const5'],
    [Tok.FuncRef, 'fn6'],
    [Tok.SigRef, 'sig7'],
    [Tok.UserRef, 'u8'],
    [Tok.AliasRegion, 'region9'],
    [Tok.ExceptionTag, 'tag1'],
    [Tok.TryCallRet, 'ret0'],
    [Tok.TryCallExn, 'exn1'],
    [Tok.JumpTableRef, 'jt2'],
    [Tok.Heap, 'heap3'],
    [Tok.Table, 'table4'],
  ]);
  // Leading zeros and out-of-range numbers are not entities; `v` alone is an identifier.
  t.deepEqual(
    tokens('v01 v4294967295 v4294967296 v iadd cold i32 i32x4 i32x1 i32x3 f64x2 b1').map(([k]) => k),
    [Tok.Identifier, Tok.Identifier, Tok.Identifier, Tok.Identifier, Tok.Identifier, Tok.Cold, Tok.Type, Tok.Type, Tok.Type, Tok.Identifier, Tok.Type, Tok.Type],
  );
  const lex = new Lexer('i32x1');
  t.is(lex.type.name, 'i32');
});

test('numbers: integers, floats, signs, and v0+8 splitting', (t) => {
  t.deepEqual(tokens('v0+8 v1-0x10 -> 0x1.8p3 -0.0 +Inf NaN:0x1 -sNaN:0x2 0xff_00 - +'), [
    [Tok.Value, 'v0'],
    [Tok.Integer, '+8'],
    [Tok.Value, 'v1'],
    [Tok.Integer, '-0x10'],
    [Tok.Arrow, '->'],
    [Tok.Float, '0x1.8p3'],
    [Tok.Float, '-0.0'],
    [Tok.Float, '+Inf'],
    [Tok.Float, 'NaN:0x1'],
    [Tok.Float, '-sNaN:0x2'],
    [Tok.Integer, '0xff_00'],
    [Tok.Minus, '-'],
    [Tok.Plus, '+'],
  ]);
});

test('names, strings, hex sequences, source locations, comments', (t) => {
  t.deepEqual(tokens('%foo_1 %  "a b" #ff0 @00a1 @ ; comment\n<'), [
    [Tok.Name, '%foo_1'],
    [Tok.Name, '%'],
    [Tok.String, '"a b"'],
    [Tok.HexSequence, '#ff0'],
    [Tok.SourceLoc, '@00a1'],
    [Tok.At, '@'],
    [Tok.LAngle, '<'],
  ]);
});

test('invalid characters and unterminated strings are ClifParseErrors with a position', (t) => {
  const bad = t.throws(() => tokens('v1 $'), { instanceOf: ClifParseError });
  t.is(bad.column, 4);
  t.throws(() => tokens('_x'), { instanceOf: ClifParseError });
  t.throws(() => tokens('é'), { instanceOf: ClifParseError });
  const str = t.throws(() => tokens('\n  "abc'), { instanceOf: ClifParseError });
  t.is(str.line, 2);
  t.is(str.column, 3);
});
