// A pass of your own, next to slackfuel's: `cold-traps` marks every block that ends in a `trap`
// as cold, so that `fuel-place`, which reads the cold flags when it estimates block frequencies,
// keeps increments off the paths that only lead to a trap.
//
// Run it from a project that installed slackfuel (or from slackfuel's own checkout after
// `npm run build`):   node node_modules/slackfuel/examples/custom-pass.mjs
import { z } from 'zod';
import { CHANGED, definePass, defaultRegistry, parse, PassManager, print, UNCHANGED } from 'slackfuel';

export const coldTrapsPass = definePass({
  name: 'cold-traps',
  description: 'Mark blocks that end in a trap as cold',
  // Every pass validates its options with a zod schema; an empty object must be accepted.
  options: z.object({ opcodes: z.array(z.string()).default(['trap']) }).strict(),
  run(fn, ctx) {
    let marked = 0;
    for (const block of fn.layout.blockList()) {
      const last = fn.layout.lastInst(block);
      if (last === undefined || fn.layout.isCold(block)) continue;
      if (!ctx.options.opcodes.includes(fn.dfg.inst(last).opcode)) continue;
      fn.layout.setCold(block);
      marked += 1;
    }
    ctx.stat('cold-traps.marked', marked);
    // Cold flags are not blocks or edges: the CFG analyses stay valid.
    return marked > 0 ? CHANGED : UNCHANGED;
  },
});

const clif = `function %checked_div(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    brif v1, block2, block1

block1:
    trap user1

block2:
    v2 = sdiv v0, v1
    return v2
}
`;

// Either hand the pass object to the pass manager directly...
const [fn] = parse(clif).functions;
const result = PassManager.build([coldTrapsPass, { name: 'dce' }]).run(fn);
console.log(print(fn));
console.log(`cold-traps marked ${result.stats.get('cold-traps.marked')} block(s)`);

// ...or register it once and name it in pipeline strings, options included.
if (!defaultRegistry.has(coldTrapsPass.name)) defaultRegistry.register(coldTrapsPass);
const [again] = parse(clif).functions;
PassManager.build('cold-traps{opcodes=[trap]},dce').run(again);
console.log(print(again) === print(fn) ? 'same result through the registry' : 'registry run differs');
