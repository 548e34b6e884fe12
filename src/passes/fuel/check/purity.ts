// Which instructions the checker may skip and compare by value instead of in order: those
// without effects. A load counts as pure only when it cannot trap and reads read-only memory
// (Wasmtime's `vmctx` field loads), so every other memory access stays ordered.
import type { InstructionData } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { isPinnedAccess } from '../web/shapes.js';

export function isPure(data: InstructionData): boolean {
  const info = opcodeInfo(data.opcode);
  if (info === undefined) return false;
  if (info.isTerminator || info.isBranch || info.isCall || info.isReturn || info.canTrap || info.canStore || info.otherSideEffects) return false;
  if (isPinnedAccess(data.opcode)) return false;
  if (info.canLoad) return data.flags !== null && data.flags.trapCode === null && data.flags.readonly;
  return true;
}
