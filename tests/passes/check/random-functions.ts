// Random Wasmtime-shaped functions for property tests: a random CFG of blocks with random
// costs, some calls and loops, written twice: as Wasmtime writes it (counter in memory through
// vmctx, a variable carried in block parameters, checks at the entry and at loop headers with
// out-of-gas paths) and in the slacked pinned-register form (increments in place, no checks).
import fc from 'fast-check';

export interface RandomBlock {
  /** Charged at the top of the block. */
  readonly cost: number;
  /** A call in the middle, then `after` charged. */
  readonly call: boolean;
  readonly after: number;
  readonly end: { readonly kind: 'return' } | { readonly kind: 'jump'; readonly to: number } | { readonly kind: 'brif'; readonly then: number; readonly else: number };
}

export interface RandomFunction {
  readonly blocks: readonly RandomBlock[];
}

export const randomFunction: fc.Arbitrary<RandomFunction> = fc.integer({ min: 1, max: 7 }).chain((n) => {
  const target = fc.integer({ min: 1, max: Math.max(1, n - 1) });
  const end = n === 1
    ? fc.constant({ kind: 'return' as const })
    : fc.oneof(
        { weight: 1, arbitrary: fc.constant({ kind: 'return' as const }) },
        { weight: 2, arbitrary: target.map((to) => ({ kind: 'jump' as const, to })) },
        { weight: 3, arbitrary: fc.tuple(target, target).map(([a, b]) => ({ kind: 'brif' as const, then: a, else: b })) },
      );
  const block = fc.record({ cost: fc.integer({ min: 0, max: 12 }), call: fc.boolean(), after: fc.integer({ min: 0, max: 12 }), end });
  return fc.array(block, { minLength: n, maxLength: n }).map((blocks) => ({ blocks }));
});

export function successorsOf(b: RandomBlock): number[] {
  return b.end.kind === 'return' ? [] : b.end.kind === 'jump' ? [b.end.to] : [b.end.then, b.end.else];
}

/** Blocks entered by an edge from a block at or after them: Wasmtime checks there. */
export function loopHeaders(f: RandomFunction): Set<number> {
  const out = new Set<number>([0]);
  f.blocks.forEach((b, i) => {
    for (const s of successorsOf(b)) if (s <= i) out.add(s);
  });
  return out;
}

const PREAMBLE = `    sig0 = (i64 vmctx) -> i8 tail
    sig1 = (i64 vmctx, i32) -> i32 tail
    fn0 = colocated u805306368:12 sig0
    fn1 = colocated u0:4 sig1
`;

/** The Wasmtime shape. */
export function wasmtimeText(f: RandomFunction): string {
  let next = 10;
  const v = () => `v${next++}`;
  const headers = loopHeaders(f);
  // Check continuations are numbered n + i, out-of-gas blocks 2n + i.
  const n = f.blocks.length;
  const out: string[] = ['function %g(i64 vmctx, i32) -> i32 tail {', PREAMBLE];
  f.blocks.forEach((b, i) => {
    let d: string;
    let fuel: string;
    if (i === 0) {
      out.push('block0(v0: i64, v1: i32):', '    v2 = load.i64 notrap aligned readonly can_move v0+8');
      d = 'v1';
      fuel = v();
      out.push(`    ${fuel} = load.i64 notrap aligned v2`);
    } else {
      d = v();
      fuel = v();
      out.push(`block${i}(${d}: i32, ${fuel}: i64):`);
    }
    if (headers.has(i)) {
      const zero = v();
      const c = v();
      const cont = v();
      const reloaded = v();
      out.push(
        `    ${zero} = iconst.i64 0`,
        `    ${c} = icmp sge ${fuel}, ${zero}`,
        `    brif ${c}, block${2 * n + i}, block${n + i}(${fuel})`,
        '',
        `block${2 * n + i} cold:`,
        `    store notrap aligned ${fuel}, v2`,
        `    ${v()} = call fn0(v0)`,
        `    ${reloaded} = load.i64 notrap aligned v2`,
        `    jump block${n + i}(${reloaded})`,
        '',
        `block${n + i}(${cont}: i64):`,
      );
      fuel = cont;
    }
    const charge = (amount: number) => {
      if (amount === 0) return;
      const c = v();
      const r = v();
      out.push(`    ${c} = iconst.i64 ${amount}`, `    ${r} = iadd ${fuel}, ${c}`);
      fuel = r;
    };
    charge(b.cost);
    if (b.call) {
      const r = v();
      const reloaded = v();
      out.push(`    store notrap aligned ${fuel}, v2`, `    ${r} = call fn1(v0, ${d})`, `    ${reloaded} = load.i64 notrap aligned v2`);
      d = r;
      fuel = reloaded;
      charge(b.after);
    }
    if (b.end.kind === 'return') out.push(`    store notrap aligned ${fuel}, v2`, `    return ${d}`);
    else if (b.end.kind === 'jump') out.push(`    jump block${b.end.to}(${d}, ${fuel})`);
    else out.push(`    brif ${d}, block${b.end.then}(${d}, ${fuel}), block${b.end.else}(${d}, ${fuel})`);
    out.push('');
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Which increment to change, and by how much. */
export interface Perturbation {
  readonly block: number;
  readonly which: 'cost' | 'after';
  readonly delta: number;
}

/** The slacked form: pinned register, the same increments (one perturbed, if asked), no checks. */
export function pinnedText(f: RandomFunction, perturb?: Perturbation): string {
  let next = 10;
  const v = () => `v${next++}`;
  const out: string[] = ['function %g(i64 vmctx, i32) -> i32 tail {', PREAMBLE];
  f.blocks.forEach((b, i) => {
    let d: string;
    if (i === 0) {
      out.push('block0(v0: i64, v1: i32):');
      d = 'v1';
    } else {
      d = v();
      out.push(`block${i}(${d}: i32):`);
    }
    const charge = (amount: number, which: 'cost' | 'after') => {
      const value = amount + (perturb !== undefined && perturb.block === i && perturb.which === which ? perturb.delta : 0);
      if (value === 0) return;
      const g = v();
      const c = v();
      const r = v();
      out.push(`    ${g} = get_pinned_reg.i64`, `    ${c} = iconst.i64 ${value}`, `    ${r} = iadd ${g}, ${c}`, `    set_pinned_reg ${r}`);
    };
    charge(b.cost, 'cost');
    if (b.call) {
      const r = v();
      out.push(`    ${r} = call fn1(v0, ${d})`);
      d = r;
      charge(b.after, 'after');
    }
    if (b.end.kind === 'return') out.push(`    return ${d}`);
    else if (b.end.kind === 'jump') out.push(`    jump block${b.end.to}(${d})`);
    else out.push(`    brif ${d}, block${b.end.then}(${d}), block${b.end.else}(${d})`);
    out.push('');
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Blocks reachable from the entry. */
export function reachable(f: RandomFunction): Set<number> {
  const seen = new Set([0]);
  const work = [0];
  while (work.length > 0) for (const s of successorsOf(f.blocks[work.pop()!]!)) if (!seen.has(s)) (seen.add(s), work.push(s));
  return seen;
}

/** Blocks from which a call or a return (an observation point) can be reached. */
export function reachesObservation(f: RandomFunction): Set<number> {
  const out = new Set<number>();
  f.blocks.forEach((b, i) => {
    if (b.call || b.end.kind === 'return') out.add(i);
  });
  for (let changed = true; changed; ) {
    changed = false;
    f.blocks.forEach((b, i) => {
      if (!out.has(i) && successorsOf(b).some((s) => out.has(s))) {
        out.add(i);
        changed = true;
      }
    });
  }
  return out;
}

/** Blocks on some cycle of the CFG. */
export function onCycle(f: RandomFunction): Set<number> {
  const out = new Set<number>();
  f.blocks.forEach((_, i) => {
    const seen = new Set<number>();
    const work = [...successorsOf(f.blocks[i]!)];
    while (work.length > 0) {
      const s = work.pop()!;
      if (s === i) out.add(i);
      if (seen.has(s)) continue;
      seen.add(s);
      work.push(...successorsOf(f.blocks[s]!));
    }
  });
  return out;
}

/**
 * Whether changing this increment must be detected: it runs (reachable) and what it charges is
 * later observed, or it sits on a cycle (whose cost must be kept).
 */
export function mustDetect(f: RandomFunction, p: Perturbation): boolean {
  if (!reachable(f).has(p.block)) return false;
  const b = f.blocks[p.block]!;
  const obs = reachesObservation(f);
  const later = b.end.kind === 'return' || successorsOf(b).some((s) => obs.has(s));
  if (p.which === 'after') return later;
  return b.call || later || onCycle(f).has(p.block);
}
