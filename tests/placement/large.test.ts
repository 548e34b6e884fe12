import test from 'ava';
import { checkPlacement, placeIncrements, placementStats } from '../../src/passes/fuel/placement/index.js';
import { estimate } from './model-builder.js';
import { structuredFunction } from './structured-function.js';

test('a large Wasm-like function: the placement is proven and runs far fewer increments', (t) => {
  const model = structuredFunction(400, 7);
  const freq = estimate(model);
  const placement = placeIncrements(model, freq);
  t.deepEqual(checkPlacement(model, placement), { ok: true });
  const { before, after } = placementStats(model, placement, freq);
  t.true(model.graph.nodes.length > 300);
  t.true(after.staticIncrements < before.staticIncrements / 2, `${after.staticIncrements} vs ${before.staticIncrements}`);
  t.true(after.dynamicIncrements < before.dynamicIncrements / 2, `${after.dynamicIncrements} vs ${before.dynamicIncrements}`);
});
