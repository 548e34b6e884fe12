import test from 'ava';
import fc from 'fast-check';
import { PotentialSystem } from '../../src/passes/fuel/placement/potentials.js';

test('constraints that close a negative cycle are refused and leave phi unchanged', (t) => {
  const sys = new PotentialSystem(3);
  t.not(sys.add(0, 1, 5), undefined); // phi1 <= phi0 + 5
  t.not(sys.add(1, 2, -3), undefined); // phi2 <= phi1 - 3
  const before = [...sys.phi];
  t.is(sys.add(2, 0, -3), undefined); // cycle 0 -> 1 -> 2 -> 0 would weigh -1
  t.deepEqual(sys.phi, before);
  t.not(sys.add(2, 0, -2), undefined); // weighs 0: fine
});

test('rollback undoes potential changes; remove and restore toggle a constraint', (t) => {
  const sys = new PotentialSystem(2);
  const h = sys.add(0, 1, -4)!;
  t.true(sys.phi[1]! - sys.phi[0]! <= -4);
  sys.remove(h);
  sys.checkpoint();
  t.not(sys.add(1, 0, -1), undefined);
  sys.rollback();
  t.true(sys.phi[1]! - sys.phi[0]! <= -4);
  sys.restore(h);
  t.is(sys.add(1, 0, 3), undefined, 'the restored constraint is active again');
});

test('a search limit refuses without changing anything', (t) => {
  const sys = new PotentialSystem(4);
  sys.add(0, 1, 0);
  sys.add(1, 2, 0);
  sys.add(2, 3, 0);
  const before = [...sys.phi];
  t.is(sys.add(3, 0, -1, 1), undefined);
  t.deepEqual(sys.phi, before);
});

test('random systems: accepted constraints all hold, refused ones really close a negative cycle', (t) => {
  const arc = fc.tuple(fc.nat(5), fc.nat(5), fc.integer({ min: -6, max: 10 }));
  fc.assert(
    fc.property(fc.array(arc, { maxLength: 25 }), (arcs) => {
      const sys = new PotentialSystem(6);
      const kept: Array<[number, number, number]> = [];
      for (const [p, q, w] of arcs) {
        if (sys.add(p, q, w) !== undefined) {
          kept.push([p, q, w]);
          continue;
        }
        // Bellman-Ford over kept + the refused arc must find a negative cycle.
        const all = [...kept, [p, q, w] as [number, number, number]];
        const d = new Array<number>(6).fill(0);
        for (let i = 0; i < 6; i++) for (const [a, b, c] of all) d[b] = Math.min(d[b]!, d[a]! + c);
        if (!all.some(([a, b, c]) => d[a]! + c < d[b]!)) return false;
      }
      return kept.every(([p, q, w]) => sys.phi[q]! <= sys.phi[p]! + w);
    }),
  );
  t.pass();
});
