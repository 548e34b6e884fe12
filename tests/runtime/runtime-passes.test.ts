import test from 'ava';
import { parse, print } from '../../src/ir/index.js';
import { verify } from '../../src/native/index.js';
import { PassManager } from '../../src/passes/pass-manager.js';
import { example, fixture } from './fixture.js';

function run(text: string, pipeline: string): string {
  const fns = parse(text).functions;
  const manager = PassManager.build(pipeline);
  for (const f of fns) manager.run(f);
  return fns.map((f) => print(f)).join('\n');
}

test('fuel-strip removes the whole fuel web from Wasmtime-shaped code and from slacked code', (t) => {
  for (const text of [example('wasmtime-fuel.clif'), fixture('recursion.clif'), fixture('host-calls.clif'), fixture('infinite-loop.clif')]) {
    for (const pipeline of ['fuel-strip', 'fuel-pinned,fuel-drop-checks,fuel-strip']) {
      const out = run(text, pipeline);
      t.notRegex(out, /pinned_reg|u805306368|load\.i64|store notrap|icmp sge/, pipeline);
      t.deepEqual(verify(out, { enable_pinned_reg: true }), { ok: true });
    }
  }
  // Host calls stay.
  t.regex(run(fixture('host-calls.clif'), 'fuel-strip'), /call fn\d+\(v0, v0, v\d+, v\d+\)/);
});

test('epoch-insert adds one check at entry and one per loop header, each with a cold new-epoch call', (t) => {
  const out = run(example('wasmtime-fuel.clif'), 'fuel-strip,epoch-insert');
  t.is(out.match(/icmp uge/g)?.length, 2);
  t.is(out.match(/ cold:/g)?.length, 2);
  t.regex(out, /fn\d+ = colocated u805306368:13 sig\d+/);
  t.regex(out, /load\.i64 notrap aligned readonly v0\+16/);
  t.deepEqual(verify(out), { ok: true });
  const straight = run(fixture('recursion.clif'), 'fuel-strip,epoch-insert');
  t.is(straight.match(/icmp uge/g)?.length, 2, 'one per function, no loops');
});
