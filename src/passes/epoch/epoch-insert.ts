// epoch-insert: Wasmtime's epoch interruption, for comparison with fuel. At function entry and
// at every loop header it loads the engine's epoch counter and the store's deadline and, when
// the counter has reached the deadline, calls the new-epoch builtin (`colocated
// u805306368:13`, as Wasmtime's CLIF names it) on a cold path. The offsets come from the
// runtime's vmctx layout (src/abi), so the checks read exactly what the runtime maintains.
import { z } from 'zod';
import {
  createBlock,
  Cursor,
  I64,
  abiParam,
  splitBlock,
  trustedFlags,
  type Block,
  type FuncRef,
  type Function,
  type Value,
} from '../../ir/index.js';
import { DEFAULT_VMCTX_LAYOUT } from '../../abi/vmctx-layout.js';
import { CFG_CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';

const offset = z.number().int().min(0).max(2 ** 31 - 1);

export const epochInsertOptionsSchema = z
  .object({
    epochCounterPointer: offset.default(DEFAULT_VMCTX_LAYOUT.epochCounterPointer).describe('vmctx offset of the pointer to the epoch counter'),
    storeContextPointer: offset.default(DEFAULT_VMCTX_LAYOUT.storeContextPointer).describe('vmctx offset of the pointer to the store context'),
    epochDeadline: offset.default(DEFAULT_VMCTX_LAYOUT.epochDeadline).describe('store-context offset of the epoch deadline'),
  })
  .strict();
export type EpochInsertOptions = z.output<typeof epochInsertOptionsSchema>;

/** The vmctx parameter of the function (the parameter with purpose `vmctx`, else the first i64). */
function vmctxParam(fn: Function): Value | undefined {
  const entry = fn.layout.entryBlock();
  if (entry === undefined) return undefined;
  const params = fn.dfg.blockParams(entry);
  const marked = fn.signature.params.findIndex((p) => p.purpose.kind === 'vmctx');
  const index = marked >= 0 ? marked : fn.signature.params.findIndex((p) => p.type === I64);
  return index >= 0 ? params[index] : undefined;
}

function newEpochRef(fn: Function): FuncRef {
  const sig = fn.importSignature({ params: [abiParam(I64, 'none', { kind: 'vmctx' })], returns: [abiParam(I64)], callConv: 'tail' });
  const user = fn.declareUserName(805306368, 13);
  fn.extFuncs.push({ name: { kind: 'user', ref: user }, signature: sig, colocated: true, patchable: false });
  return fn.extFuncs.length - 1;
}

/** Inserts an epoch check at the top of `block`; returns the number of checks added (1). */
function insertCheck(fn: Function, block: Block, vmctx: Value, builtin: FuncRef, o: EpochInsertOptions): void {
  const first = fn.layout.firstInst(block);
  if (first === undefined) return;
  // Everything of the block moves to `rest`; the block keeps its parameters and gets the check.
  const rest = splitBlock(fn, first);
  const jump = fn.layout.lastInst(block)!;
  fn.layout.removeInst(jump);
  const slow = createBlock(fn, 'end', true);
  const flags = trustedFlags();
  const c = new Cursor(fn).atBottom(block);
  const epochPtr = c.load(I64, { ...flags, readonly: true }, vmctx, o.epochCounterPointer);
  const epoch = c.load(I64, flags, epochPtr, 0);
  const store = c.load(I64, { ...flags, readonly: true }, vmctx, o.storeContextPointer);
  const deadline = c.load(I64, flags, store, o.epochDeadline);
  const reached = c.icmp('uge', epoch, deadline);
  c.brif(reached, slow, [], rest, []);
  const s = new Cursor(fn).atBottom(slow);
  s.call(builtin, [vmctx]);
  s.jump(rest, []);
}

/** Adds epoch checks at entry and loop headers; returns how many (0 when there is no vmctx). */
export function insertEpochChecks(fn: Function, headers: readonly Block[], o: EpochInsertOptions): number {
  const vmctx = vmctxParam(fn);
  const entry = fn.layout.entryBlock();
  if (vmctx === undefined || entry === undefined) return 0;
  const builtin = newEpochRef(fn);
  const blocks = [entry, ...headers.filter((h) => h !== entry)];
  for (const b of blocks) insertCheck(fn, b, vmctx, builtin, o);
  return blocks.length;
}

export const epochInsertPass = definePass({
  name: 'epoch-insert',
  description: "Insert Wasmtime's epoch-interruption checks at function entry and loop headers",
  options: epochInsertOptionsSchema,
  run(fn, ctx): PassResult {
    const headers = [...new Set(ctx.analyses.loops().loops.flatMap((l) => l.headers))];
    const added = insertEpochChecks(fn, headers, ctx.options);
    if (added === 0) return UNCHANGED;
    ctx.stat('epoch-insert.checks', added);
    return CFG_CHANGED;
  },
});
