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

test('a refusal ends where the two searches meet, without exploring a large component', (t) => {
  // A hub tied both ways at weight 0 to 2,000 points (the observation class of a large
  // function looks like this), and two of those points a, b with phi(b) <= phi(a) + 5.
  const n = 2002;
  const hub = 0;
  const sys = new PotentialSystem(n);
  for (let i = 1; i < n; i++) {
    sys.add(hub, i, 0);
    sys.add(i, hub, 0);
  }
  const [a, b] = [1, 2];
  t.not(sys.add(a, b, 5), undefined);
  const before = [...sys.phi];
  const work = sys.work;
  // phi(a) <= phi(b) - 1 closes a -> hub -> b -> a at weight -1: refused from the first arcs.
  t.is(sys.add(b, a, -1), undefined);
  t.true(sys.work - work < 20, `relaxed ${sys.work - work} arcs`);
  t.deepEqual(sys.phi, before);
  // A feasible constraint between the same points still goes through.
  t.not(sys.add(b, a, 0), undefined);
  t.true(sys.phi[a]! <= sys.phi[b]! + 0 && sys.phi[b]! <= sys.phi[a]! + 5);
});

test('removing and restoring arcs in the middle of long lists keeps every other arc', (t) => {
  const sys = new PotentialSystem(3);
  const handles = Array.from({ length: 50 }, (_, i) => sys.add(0, 1, 10 + i)!);
  const tight = sys.add(1, 2, -7)!;
  for (const h of handles.filter((_, i) => i % 3 === 1)) sys.remove(h);
  sys.remove(handles[0]!);
  sys.restore(handles[0]!);
  sys.remove(tight);
  sys.restore(tight);
  // phi2 <= phi1 - 7 is still active: phi1 <= phi2 + 6 would close a cycle of weight -1.
  t.is(sys.add(2, 1, 6), undefined);
  // phi1 <= phi0 + 10 (handle 0, restored) is active: phi0 <= phi1 - 11 closes a cycle.
  t.is(sys.add(1, 0, -11), undefined);
  t.not(sys.add(1, 0, -10), undefined);
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

test('a refusal names the arcs of a negative cycle, which refuse again while all of them are present', (t) => {
  const arc = fc.tuple(fc.nat(5), fc.nat(5), fc.integer({ min: -6, max: 10 }));
  fc.assert(
    fc.property(fc.array(arc, { maxLength: 25 }), (arcs) => {
      const sys = new PotentialSystem(6);
      const byHandle: Array<[number, number, number]> = [];
      for (const [p, q, w] of arcs) {
        const h = sys.add(p, q, w);
        if (h !== undefined) {
          byHandle[h] = [p, q, w];
          continue;
        }
        const cycle = sys.refusal();
        // A negative self-loop is refused before any search: no arcs to name.
        if (p === q) {
          if (cycle.length !== 0 || sys.stillRefuses(cycle)) return false;
          continue;
        }
        // The named arcs and the refused one balance at every vertex (a closed walk) and weigh
        // less than zero together.
        const balance = new Array<number>(6).fill(0);
        let weight = w;
        balance[p]!--;
        balance[q]!++;
        for (const c of cycle) {
          const [a, b, cw] = byHandle[c]!;
          balance[a]!--;
          balance[b]!++;
          weight += cw;
        }
        if (cycle.length === 0 || weight >= 0 || balance.some((x) => x !== 0)) return false;
        if (!sys.stillRefuses(cycle)) return false;
        // Without one of its arcs the cycle proves nothing; with it back, it does again.
        sys.remove(cycle[0]!);
        if (sys.stillRefuses(cycle)) return false;
        sys.restore(cycle[0]!);
        if (!sys.stillRefuses(cycle)) return false;
      }
      return true;
    }),
  );
  t.pass();
});

test('a refusal for the search limit names no cycle', (t) => {
  const sys = new PotentialSystem(4);
  sys.add(0, 1, 0);
  sys.add(1, 2, 0);
  sys.add(2, 3, 0);
  t.is(sys.add(3, 0, -1, 1), undefined);
  t.deepEqual(sys.refusal(), []);
  t.false(sys.stillRefuses(sys.refusal()));
});
