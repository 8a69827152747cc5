/**
 * Session files: a session is its platform options plus the console lines that changed the
 * machine since the last `platform`. Because the core is deterministic, replaying them rebuilds
 * the exact state (including a paused SMI mid-way). Imported files are validated with zod so a
 * malformed file is reported where it is wrong and the current session is left untouched.
 */

import { z } from 'zod';

export const SESSION_FORMAT = 'smiscope-session';
/**
 * 2: session event numbers (`back --to EVENT`) count from power-on, the boot's events included,
 * and `breakpoints` (the `break` lines set when the platform booted) stop the replayed boot.
 * Version 1 files load: their `back --to` numbers counted from the end of the boot and are moved.
 */
export const SESSION_VERSION = 2;

/** One file of an SMM-C module (`load`): its name and text. */
const SourceFileSchema = z.object({ name: z.string().min(1).max(256), text: z.string().max(1_000_000) });

export const SessionFileSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.union([z.literal(1), z.literal(SESSION_VERSION)]),
  platform: z.object({
    /** `platform NAME`; optional: files written before other platforms existed load as ovmf. */
    platform: z.enum(['ovmf', 'ovmf-swdispatch', 'pch']).optional(),
    /** `--arrival`; optional (caller-first). */
    arrival: z.enum(['caller-first', 'ascending', 'descending']).optional(),
    cpus: z.number().int().min(1).max(256),
    broadcast: z.boolean(),
    /** `platform ... --hotplug-smi on|off`; optional: files written before it existed still load. */
    hotplugSmi: z.boolean().optional(),
    syncMode: z.enum(['traditional', 'relaxed']).nullable(),
    modules: z.array(z.string().max(64)).max(16),
    /** Added with `--accel`; files written before it load as TCG. */
    accel: z.enum(['tcg', 'kvm']).default('tcg'),
    /** SMM-C modules put into the firmware volume with `load` (their .inf and source files); optional. */
    cModules: z.array(z.object({ inf: SourceFileSchema, files: z.array(SourceFileSchema).max(64) })).max(16).optional(),
  }),
  /** `break` lines set before the boot (they stop the replayed boot where they stopped it); optional. */
  breakpoints: z.array(z.string().max(4096)).max(1000).default([]),
  commands: z.array(z.string().max(4096)).max(100_000),
});

export type SessionFile = z.output<typeof SessionFileSchema>;

/** Parses and validates; returns the file or a message naming the first problem and where. */
export function parseSessionFile(text: string): { ok: true; file: SessionFile } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const r = SessionFileSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    return { ok: false, error: `${where}: ${issue.message}` };
  }
  return { ok: true, file: r.data };
}
