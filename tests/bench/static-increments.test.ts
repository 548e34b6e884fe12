// The bench's static increment count reads increments with the shared recogniser: a reload of
// the register after a call (`load` → `set_pinned_reg`) used to be counted as an increment.
import test from 'ava';
import { pinnedIncrementCount } from '../../src/bench/static-increments.js';
import { parse } from '../../src/ir/index.js';

test('increments are counted, a reload after a call is not', (t) => {
  const fn = parse(`function %f(i64 vmctx) {
    sig0 = (i64 vmctx)
    fn0 = %g sig0
block0(v0: i64):
    v1 = get_pinned_reg.i64
    v2 = iadd_imm v1, 3
    set_pinned_reg v2
    v3 = get_pinned_reg.i64
    store notrap aligned v3, v0+8
    call fn0(v0)
    v4 = load.i64 notrap aligned v0+8
    set_pinned_reg v4
    v5 = get_pinned_reg.i64
    v6 = iconst.i64 2
    v7 = iadd v5, v6
    set_pinned_reg v7
    return
}`).functions[0]!;
  t.is(pinnedIncrementCount(fn), 2);
});
