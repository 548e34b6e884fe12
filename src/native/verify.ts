// Cranelift's verifier over every function of a CLIF text.
import type { VerifierProblem } from './errors.js';
import { addon } from './addon.js';
import { throughNative } from './native-errors.js';
import { verifierProblemsSchema } from './schemas.js';
import { toNativeSettings, type Settings } from './settings.js';

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly VerifierProblem[] };

/**
 * Verifies every function in `clifText`. Settings matter to some checks (for instance
 * `get_pinned_reg` needs `enable_pinned_reg`); the text's own `set` lines apply first.
 * Throws ClifSyntaxError for text that does not parse and SettingError for unknown settings.
 */
export function verify(clifText: string, flags?: Settings): VerifyResult {
  const settings = toNativeSettings(flags);
  const raw = throughNative(() => addon().verify(clifText, settings));
  const errors = verifierProblemsSchema.parse(raw);
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}
