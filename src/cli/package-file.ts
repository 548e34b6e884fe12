// Finds a file shipped with the package (e.g. examples/…) from wherever this module runs: the
// source tree (src/cli/) or the esbuild bundle (dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${relative} in the slackfuel package`);
    dir = parent;
  }
}
