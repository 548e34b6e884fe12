// The hand-written fuel-place cases (increments written `+N`, which the tests expand into the
// pinned form): tests/passes/place/fuel-place.test.ts checks the TypeScript pass on them,
// tests/native/fuel-place-native.test.ts checks that the Rust pass places them the same way.
export const PLACE_CASES: Readonly<Record<string, string>> = {
  straight: `function %straight(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    jump block1
block1:
    +2
    jump block2
block2:
    +3
    return v1
}`,
  diamond: `function %diamond(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +2
    brif v1, block1, block2
block1:
    +10
    jump block3
block2:
    +15
    jump block3
block3:
    +1
    return v1
}`,
  'diamond with equal sides': `function %diamond(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +2
    brif v1, block1, block2
block1:
    +10
    jump block3
block2:
    +10
    jump block3
block3:
    +1
    return v1
}`,
  'nested loops': `function %nested(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    jump block1(v1)
block1(v2: i32):
    +2
    brif v2, block2(v2), block6
block2(v3: i32):
    +3
    jump block3
block3:
    +4
    v4 = iconst.i32 1
    v5 = isub v3, v4
    brif v5, block2(v5), block4
block4:
    +5
    v6 = iconst.i32 1
    v7 = isub v2, v6
    jump block1(v7)
block6:
    +1
    return v1
}`,
  'loop with an early exit (a split critical edge)': `function %early_exit(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    jump block1(v1)
block1(v2: i32):
    +2
    brif v2, block2, block4
block2:
    +3
    v3 = iconst.i32 7
    v4 = icmp eq v2, v3
    brif v4, block4, block3
block3:
    +4
    v5 = iconst.i32 1
    v6 = isub v2, v5
    jump block1(v6)
block4:
    +5
    return v2
}`,
  'br_table switch': `function %switch(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +2
    br_table v1, block4, [block1, block2, block3]
block1:
    +3
    jump block5
block2:
    +3
    jump block5
block3:
    +7
    jump block5
block4:
    +1
    return v1
block5:
    +1
    return v1
}`,
  'irreducible loop': `function %irreducible(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    brif v1, block1, block2
block1:
    +2
    brif v1, block2, block3
block2:
    +3
    brif v1, block1, block3
block3:
    +1
    return v1
}`,
  'infinite loop': `function %infinite(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +4
    jump block1
block1:
    +2
    jump block2
block2:
    +3
    jump block1
}`,
  calls: `function %calls(i64 vmctx, i32) -> i32 tail {
    sig0 = (i64 vmctx, i32) -> i32 tail
    fn0 = colocated u0:4 sig0
block0(v0: i64, v1: i32):
    +1
    v2 = call fn0(v0, v1)
    +2
    jump block1
block1:
    +3
    v3 = call fn0(v0, v2)
    +4
    return v3
}`,
  'unreachable block': `function %unreachable(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    jump block2
block1:
    +9
    jump block2
block2:
    +2
    return v1
}`,
  'dynamic bulk cost': `function %bulk(i64 vmctx, i32, i64) -> i32 tail {
block0(v0: i64, v1: i32, v2: i64):
    +1
    brif v1, block1, block2
block1:
    +4
    +dyn v2
    jump block2
block2:
    +2
    return v1
}`,
  'conditional trap': `function %traps(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    jump block1
block1:
    +2
    trapnz v1, user1
    +3
    return v1
}`,
  'shared constant': `function %shared(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    v2 = iconst.i64 3
    v3 = get_pinned_reg.i64
    v4 = iadd v3, v2
    set_pinned_reg v4
    brif v1, block1, block2
block1:
    v5 = get_pinned_reg.i64
    v6 = iadd v5, v2
    set_pinned_reg v6
    jump block2
block2:
    +2
    return v1
}`,
  'try_call edge passing call results': `function %tc(i64 vmctx, i32) -> i32 tail {
    sig0 = (i32) -> i32 tail
    fn0 = %callee sig0
block0(v0: i64, v1: i32):
    +2
    brif v1, block1, block2
block1:
    +3
    try_call fn0(v1), sig0, block3(ret0), [ default: block4(exn0) ]
block2:
    +4
    v9 = iconst.i64 0
    jump block4(v9)
block3(v2: i32):
    +1
    return v2
block4(v3: i64):
    +6
    v4 = ireduce.i32 v3
    return v4
}`,
};
