// A pass module for the optional-pass loader test (not a test file itself).
import { z } from 'zod';
import { definePass, UNCHANGED } from '../../src/passes/pass.js';

export const optionalTestPass = definePass({
  name: 'optional-test',
  description: 'does nothing; loaded on demand by the registry test',
  options: z.object({}).strict(),
  run: () => UNCHANGED,
});
