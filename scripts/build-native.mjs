// npm's install hook: builds the native Cranelift addon (native/) with cargo in release mode.
// Filled in by the native backend work; until native/Cargo.toml exists there is nothing to build.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../native/Cargo.toml', import.meta.url))) {
  console.log('slackfuel: no native crate yet, skipping the addon build');
}
