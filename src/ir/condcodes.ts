// Condition codes and atomic operations: the words Cranelift accepts (they print as written).

export const intCCs: ReadonlySet<string> = new Set(['eq', 'ne', 'sge', 'sgt', 'sle', 'slt', 'uge', 'ugt', 'ule', 'ult']);

export const floatCCs: ReadonlySet<string> = new Set([
  'ord',
  'uno',
  'eq',
  'ne',
  'one',
  'ueq',
  'lt',
  'le',
  'gt',
  'ge',
  'ult',
  'ule',
  'ugt',
  'uge',
]);

export const atomicRmwOps: ReadonlySet<string> = new Set(['add', 'sub', 'and', 'nand', 'or', 'xor', 'xchg', 'umin', 'umax', 'smin', 'smax']);
