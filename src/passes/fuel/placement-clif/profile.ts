// Edge profiles for fuel-place: counts keyed by CLIF block numbers, per function, turned into
// the frequency analysis' profile (counts by edge id).
//
//   { "u0:6": { "entryCount": 10, "edges": { "0->3": 10, "3->4": 640, "3->5": 10 } } }
//
// A pair names every edge from one block to another; parallel edges (`brif v, block1, block1`,
// repeated br_table targets) share its count evenly. Edges not named count 0.
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { ControlFlow } from '../../../analysis/cfg.js';
import type { EdgeProfile } from '../../../analysis/frequency.js';
import { FuelPlaceError } from './errors.js';

const PAIR = /^\s*(?:block)?(\d+)\s*->\s*(?:block)?(\d+)\s*$/;

export const functionProfileSchema = z
  .object({
    /** How many times the function was entered. */
    entryCount: z.number().finite().positive(),
    /** `"from->to"` (block numbers, `block` prefix optional) to how often that edge ran. */
    // Keys are checked by a refinement, not a key schema: a bad key inside the profile option's
    // union would otherwise be reported as the union's bare "Invalid input".
    edges: z.record(z.string(), z.number().finite().nonnegative()).superRefine((edges, ctx) => {
      for (const key of Object.keys(edges)) {
        if (!PAIR.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `edge keys look like "0->3", not ${JSON.stringify(key)}` });
      }
    }),
  })
  .strict();
export type FunctionProfile = z.infer<typeof functionProfileSchema>;

/** Profiles by function name as printed (`u0:6`, `%name`, or `name` without the `%`). */
export const edgeProfileFileSchema = z.record(z.string(), functionProfileSchema);
export type EdgeProfileFile = z.infer<typeof edgeProfileFileSchema>;

/** The profile option: a JSON file path, or the object itself. */
export const profileOptionSchema = z.union([z.string().min(1), edgeProfileFileSchema]);
export type ProfileOption = z.infer<typeof profileOptionSchema>;

// The pass loads its option once per function: an object is validated once, and a file is
// read once until it changes.
const validated = new WeakMap<object, EdgeProfileFile>();
const readFiles = new Map<string, { stamp: string; profile: EdgeProfileFile }>();

function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return undefined;
  }
}

/** Reads and validates a profile (a path is read as JSON). Throws FuelPlaceError. */
export function loadProfile(option: ProfileOption): EdgeProfileFile {
  if (typeof option !== 'string') {
    const known = validated.get(option);
    if (known !== undefined) return known;
  }
  const stamp = typeof option === 'string' ? fileStamp(option) : undefined;
  if (typeof option === 'string') {
    const known = readFiles.get(option);
    if (known !== undefined && stamp !== undefined && known.stamp === stamp) return known.profile;
  }
  let raw: unknown = option;
  if (typeof option === 'string') {
    try {
      raw = JSON.parse(readFileSync(option, 'utf8'));
    } catch (error) {
      throw new FuelPlaceError(`cannot read the profile ${option}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const parsed = edgeProfileFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new FuelPlaceError(`bad profile: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; ')}`);
  }
  if (typeof option !== 'string') validated.set(option, parsed.data);
  else if (stamp !== undefined) readFiles.set(option, { stamp, profile: parsed.data });
  return parsed.data;
}

/** The profile of the function called `name`, if it has one. */
export function profileFor(file: EdgeProfileFile, name: string): FunctionProfile | undefined {
  return file[name] ?? (name.startsWith('%') ? file[name.slice(1)] : undefined);
}

/** The two block numbers of a profile's edge key (`"3->4"`, `"block3 -> block4"`), keys being validated by the schema. */
export function edgeKeyBlocks(key: string): { from: number; to: number } {
  const m = PAIR.exec(key)!;
  return { from: Number(m[1]), to: Number(m[2]) };
}

/** Counts by edge id for `cfg`. A pair that is no edge of the function is an error. */
export function edgeProfile(profile: FunctionProfile, cfg: ControlFlow, functionName: string): EdgeProfile {
  const edgeCounts = new Array<number>(cfg.edges.length).fill(0);
  for (const [key, count] of Object.entries(profile.edges)) {
    const { from, to } = edgeKeyBlocks(key);
    const parallel = cfg.edges.filter((e) => e.from === from && e.to === to);
    if (parallel.length === 0) throw new FuelPlaceError(`profile of ${functionName}: there is no edge block${from} -> block${to}`);
    for (const e of parallel) edgeCounts[e.id] = count / parallel.length;
  }
  return { entryCount: profile.entryCount, edgeCounts };
}
