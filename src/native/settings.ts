// Cranelift settings as the facade takes them (`{ enable_pinned_reg: true, opt_level: 'speed' }`)
// and as the addon takes them (name/value strings; Cranelift parses the values).
import { z } from 'zod';
import { SettingError } from './errors.js';
import type { NativeSetting } from './addon.js';

export const settingsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a Cranelift setting name'),
  z.union([z.string(), z.boolean(), z.number()]),
);

/** Cranelift settings by name: shared ones (`opt_level`, `enable_pinned_reg`, ...) or ISA ones (`has_avx`). */
export type Settings = z.infer<typeof settingsSchema>;

export function toNativeSettings(settings: Settings | undefined): NativeSetting[] {
  const valid = settingsSchema.parse(settings ?? {});
  return Object.entries(valid).map(([name, value]) => ({ name, value: String(value) }));
}

/** `NAME=VALUE` assignments (as given to `--set`; NAME alone means true) as settings. */
export function parseSettingAssignments(entries: readonly string[]): Settings {
  const settings: Settings = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new SettingError(`'${entry}' is not a setting assignment (expected NAME=VALUE)`, name);
    }
    settings[name] = eq < 0 ? true : entry.slice(eq + 1);
  }
  return settings;
}
