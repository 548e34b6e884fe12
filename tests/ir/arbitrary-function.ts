// A fast-check arbitrary for random, well-formed CLIF functions, built through the editing API:
// random blocks, block parameters, an instruction mix over i32/i64, loads and stores, calls,
// branches with arguments matching their targets, source locations, cold blocks and aliases.
import fc from 'fast-check';
import {
  abiParam,
  appendBlockParam,
  changeToAlias,
  createBlock,
  Cursor,
  Function,
  I32,
  I64,
  memFlags,
  type Block,
  type Type,
  type Value,
} from '../../src/index.js';

const TYPES: readonly Type[] = [I32, I64];
const BINARY = ['iadd', 'isub', 'imul', 'band', 'bor', 'bxor', 'ishl', 'ushr', 'sshr', 'rotl', 'umin', 'smax'];
const UNARY = ['bnot', 'ineg', 'clz', 'ctz', 'popcnt', 'bswap', 'iabs'];
const CONDS = ['eq', 'ne', 'slt', 'sge', 'ugt', 'ule'];

/** Builds a function from a stream of random choices (so fast-check can shrink it). */
export function buildRandomFunction(choices: readonly number[]): Function {
  let i = 0;
  const pick = (n: number) => (n <= 1 ? 0 : (choices[i++ % choices.length]! >>> 0) % n);
  const fn = new Function(
    pick(2) === 0 ? { kind: 'testcase', name: `f${pick(100)}` } : { kind: 'user', namespace: pick(3), index: pick(1000) },
    { params: [abiParam(I64, 'none', { kind: 'vmctx' }), abiParam(I32)], returns: [abiParam(I32)], callConv: pick(2) === 0 ? 'fast' : 'tail' },
  );
  const sig = fn.importSignature({ params: [abiParam(I64, 'none', { kind: 'vmctx' })], returns: [abiParam(I64)], callConv: 'tail' });
  fn.extFuncs.push({ name: { kind: 'testcase', name: 'callee' }, signature: sig, colocated: pick(2) === 0, patchable: false });
  const useSrclocs = pick(3) === 0;

  const blockCount = 1 + pick(6);
  const blocks: Block[] = [];
  for (let b = 0; b < blockCount; b++) blocks.push(createBlock(fn, 'end', b > 0 && pick(4) === 0));
  const entry = blocks[0]!;
  const vmctx = appendBlockParam(fn, entry, I64);
  const arg = appendBlockParam(fn, entry, I32);
  for (const b of blocks.slice(1)) for (let p = pick(3); p > 0; p--) appendBlockParam(fn, b, TYPES[pick(2)]!);

  // Values visible so far in text order, by type (the parser infers types from earlier text).
  const seen = new Map<Type, Value[]>([
    [I32, [arg]],
    [I64, [vmctx]],
  ]);
  const some = (t: Type, cur: Cursor): Value => {
    const list = seen.get(t)!;
    if (list.length === 0 || pick(5) === 0) return note(t, cur.iconst(t, BigInt(pick(2) === 0 ? pick(20) - 10 : pick(1 << 30) * (1 << 20))));
    return list[pick(list.length)]!;
  };
  const note = (t: Type, v: Value) => {
    seen.get(t)!.push(v);
    return v;
  };
  const argsFor = (target: Block, cur: Cursor) => fn.dfg.blockParams(target).map((p) => some(fn.dfg.valueType(p), cur));

  for (const block of blocks) {
    for (const p of fn.dfg.blockParams(block)) if (block !== entry) note(fn.dfg.valueType(p), p);
    const cur = new Cursor(fn).atBottom(block);
    for (let n = pick(8); n > 0; n--) {
      const t = TYPES[pick(2)]!;
      const before = fn.dfg.numInsts();
      switch (pick(7)) {
        case 0:
          note(t, cur.insValue(BINARY[pick(BINARY.length)]!, { args: [some(t, cur), some(t, cur)] }));
          break;
        case 1:
          note(t, cur.insValue(UNARY[pick(UNARY.length)]!, { args: [some(t, cur)] }));
          break;
        case 2: {
          const c = cur.icmp(CONDS[pick(CONDS.length)]!, some(t, cur), some(t, cur));
          note(t, cur.insValue('select', { args: [c, some(t, cur), some(t, cur)] }));
          break;
        }
        case 3:
          note(t, cur.load(t, memFlags({ trapCode: pick(2) === 0 ? null : 'heap_oob', aligned: pick(2) === 0, readonly: pick(3) === 0 }), vmctx, pick(5) * 8 - 8));
          break;
        case 4:
          cur.store(memFlags({ trapCode: pick(2) === 0 ? null : 'user3', aligned: true }), some(t, cur), vmctx, pick(4) * 8);
          break;
        case 5:
          note(I64, fn.dfg.firstResult(cur.call(0, [vmctx])));
          break;
        default: {
          const x = some(t, cur);
          const y = cur.iadd(x, x);
          if (pick(3) === 0) {
            // An alias to an earlier value, as Cranelift's optimizer leaves them.
            const alias = fn.dfg.numValues();
            changeToAlias(fn, alias, y);
            note(t, alias);
          } else {
            note(t, y);
          }
        }
      }
      if (useSrclocs) for (let k = before; k < fn.dfg.numInsts(); k++) if (fn.layout.isInstInserted(k) && pick(3) !== 0) fn.setSrcloc(k, pick(0x10000));
    }
    // Terminator.
    const targets = blocks;
    switch (pick(4)) {
      case 0: {
        const to = targets[pick(targets.length)]!;
        cur.jump(to, argsFor(to, cur));
        break;
      }
      case 1: {
        const a = targets[pick(targets.length)]!;
        const b = targets[pick(targets.length)]!;
        const c = some(I32, cur);
        cur.brif(c, a, argsFor(a, cur), b, argsFor(b, cur));
        break;
      }
      case 2: {
        const sel = some(I32, cur);
        const def = targets[pick(targets.length)]!;
        const entries = [];
        for (let e = pick(4); e > 0; e--) {
          const to = targets[pick(targets.length)]!;
          entries.push({ block: to, args: argsFor(to, cur) });
        }
        cur.ins('br_table', { args: [sel], table: { default: { block: def, args: argsFor(def, cur) }, entries } });
        break;
      }
      default:
        cur.return([some(I32, cur)]);
    }
  }
  return fn;
}

export const arbitraryFunction = fc.array(fc.nat(), { minLength: 1, maxLength: 400 }).map(buildRandomFunction);
