// Bundles the CLI into dist/slackfuel.mjs with esbuild (the native addon stays external).
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/slackfuel.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: ['*.node'],
  banner: { js: "import { createRequire as __slackfuelCreateRequire } from 'node:module'; const require = __slackfuelCreateRequire(import.meta.url);" },
  logLevel: 'info',
});
