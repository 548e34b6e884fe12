// Which callees use the pinned-register convention (they read and update the counter in the
// pinned register) and which do not (builtins, libcalls, host functions called directly: the
// counter must be flushed to memory before and reloaded after an observed call to them).
import { z } from 'zod';
import type { Function, Inst } from '../../../ir/index.js';

export type CalleeConvention = 'pinned' | 'non-pinned';

const PATTERN = /^(\*|%\*|%[^\s]+|u\d+:(\*|\d+))$/;

export const calleeOptionsShape = {
  nonPinned: z
    .array(z.string().regex(PATTERN, 'a callee pattern is uNS:IDX, uNS:*, %name, %* or *'))
    .default(['u805306368:*', 'u1:*', '%*'])
    .describe('direct callees that do not use the pinned register (uNS:IDX, uNS:*, %name, %*, *)'),
  indirect: z
    .enum(['pinned', 'non-pinned'])
    .default('pinned')
    .describe('convention of call_indirect targets (imports reach the host through slackfuel trampolines)'),
};

export interface CalleeOptions {
  readonly nonPinned: readonly string[];
  readonly indirect: CalleeConvention;
  /**
   * Programmatic override, asked first: the callee's name (`u0:4`, `%f`; undefined for an
   * indirect call) and the call; return a convention, or undefined to fall back to the lists.
   */
  readonly classify?: (callee: string | undefined, fn: Function, inst: Inst) => CalleeConvention | undefined;
}

export const DEFAULT_CALLEE_OPTIONS: CalleeOptions = { nonPinned: ['u805306368:*', 'u1:*', '%*'], indirect: 'pinned' };

/** The callee's name as CLIF writes it (`u0:4`, `%CeilF32`), or undefined for indirect calls. */
export function calleeName(fn: Function, inst: Inst): string | undefined {
  const data = fn.dfg.insts[inst]!;
  if (data.funcRef < 0) return undefined;
  const ext = fn.extFuncs[data.funcRef];
  if (ext === undefined) return undefined;
  if (ext.name.kind === 'testcase') return `%${ext.name.name}`;
  const user = fn.userNamedFuncs[ext.name.ref];
  return user === undefined ? undefined : `u${user.namespace}:${user.index}`;
}

function matches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

/** The convention of the callee of call instruction `inst`. */
export function calleeConvention(fn: Function, inst: Inst, options: CalleeOptions = DEFAULT_CALLEE_OPTIONS): CalleeConvention {
  const name = calleeName(fn, inst);
  const chosen = options.classify?.(name, fn, inst);
  if (chosen !== undefined) return chosen;
  if (name === undefined) return fn.dfg.insts[inst]!.funcRef >= 0 ? 'non-pinned' : options.indirect;
  return options.nonPinned.some((p) => matches(p, name)) ? 'non-pinned' : 'pinned';
}
