// The CFG picture's fuel notes, as a library.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { cfgToDot, fuelNotes } from '../../../src/cfg-draw/index.js';
import { parse } from '../../../src/ir/index.js';

const load = (name: string) => parse(readFileSync(new URL(`../../fixtures/check/${name}.clif`, import.meta.url), 'utf8')).functions[0]!;

test('fuel notes in the Wasmtime form: charges, checks, out-of-fuel edges', (t) => {
  const notes = fuelNotes(load('loop.before'));
  t.is(notes.form, 'memory');
  t.is(notes.problem, null);
  t.deepEqual(notes.blocks.get(0), { constant: 1, increments: 1, dynamic: 0, check: true, calls: [], returns: false, traps: false });
  t.deepEqual(notes.blocks.get(7), { constant: 3, increments: 1, dynamic: 0, check: false, calls: [], returns: false, traps: false });
  t.deepEqual([...notes.outOfFuelEdges].sort(), ['0->2', '4->5']);
});

test('fuel notes in the pinned form, with a run-time charge and a call', (t) => {
  const notes = fuelNotes(load('bulk.pinned'));
  t.is(notes.form, 'pinned');
  t.deepEqual(notes.blocks.get(0), { constant: 6, increments: 2, dynamic: 1, check: false, calls: ['fn1'], returns: true, traps: false });
});

test('an unrecognizable fuel shape still draws, and says why', (t) => {
  const fn = parse(`function %f(i64) -> i64 {
block0(v0: i64):
    v1 = get_pinned_reg.i64
    v2 = iadd v1, v1
    return v2
}`).functions[0]!;
  const notes = fuelNotes(fn);
  t.is(notes.form, null);
  t.is(notes.problem, 'an instruction adds two counter values');
  t.true(cfgToDot(fn).includes('label="%f: fuel not recognized (an instruction adds two counter values)"'));
});

test('DOT output is the same for the same function, parsed twice', (t) => {
  t.is(cfgToDot(load('diamond.before')), cfgToDot(load('diamond.before')));
});

// fuel-place writes `iadd_imm` increments when the function uses that dialect; the picture used
// to lose them (its view only followed `iadd`/`isub`).
test('iadd_imm increments are drawn, in the pinned and the memory form', (t) => {
  const pinned = parse(`function %f(i64) -> i64 {
block0(v0: i64):
    v1 = get_pinned_reg.i64
    v2 = iadd_imm v1, 5
    set_pinned_reg v2
    v3 = get_pinned_reg.i64
    v4 = iadd_imm v3, 2
    set_pinned_reg v4
    return v0
}`).functions[0]!;
  const p = fuelNotes(pinned);
  t.is(p.form, 'pinned');
  t.is(p.problem, null);
  t.deepEqual(p.blocks.get(0), { constant: 7, increments: 2, dynamic: 0, check: false, calls: [], returns: true, traps: false });
  t.true(cfgToDot(pinned).includes('fuel +7'));

  const memory = parse(`function %g(i64 vmctx) -> i64 {
block0(v0: i64):
    v1 = load.i64 notrap aligned v0+8
    v2 = iadd_imm v1, 3
    store notrap aligned v2, v0+8
    return v2
}`).functions[0]!;
  const m = fuelNotes(memory);
  t.is(m.form, 'memory');
  t.deepEqual(m.blocks.get(0), { constant: 3, increments: 1, dynamic: 0, check: false, calls: [], returns: true, traps: false });
});
