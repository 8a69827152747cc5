/**
 * The save-state maps' bytes before the current console line (the view's changed-byte marks):
 * the memory barrier keeps a watched map's old bytes at its first write of a line (machine/Memory
 * `keepBefore`); a restore replaces pages without writing through the barrier, so the debugger
 * captures them first.
 */

import { keepBefore, PAGE_SIZE, touchCow } from '../machine/Memory';
import { SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateField';
import type { MachineState } from '../pi/Platform';

/** Keep the old bytes of CPU `cpu`'s save-state map from now on (the memory barrier watches its page). */
export function watchMap(s: MachineState, cpu: number): void {
  const cow = s.mem.cow;
  const c = s.cpus[cpu];
  if (!cow || !c) return;
  const addr = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
  const n = Math.floor(addr / PAGE_SIZE);
  const w = cow.watch.get(n);
  if (w && w.off === addr % PAGE_SIZE) return;
  cow.watch.set(n, { before: new Uint8Array(SMRAM_SAVE_STATE_MAP_SIZE), off: addr % PAGE_SIZE, epoch: -1 });
  cow.owned.delete(n);
  touchCow(cow);
}

/** Keeps every watched map's bytes before they are replaced wholesale (a restore does not write through the barrier). */
export function captureMaps(s: MachineState): void {
  const cow = s.mem.cow;
  if (!cow) return;
  for (const [n, w] of cow.watch) {
    if (w.epoch === cow.epoch) continue;
    keepBefore(w, s.mem.pages.get(n));
    w.epoch = cow.epoch;
    touchCow(cow);
  }
}

/** CPU `cpu`'s save-state map as it was before the last console line, or null when the line did not write it. */
export function mapBefore(s: MachineState, cpu: number): Uint8Array | null {
  const cow = s.mem.cow;
  const c = s.cpus[cpu];
  if (!cow || !c) return null;
  const addr = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
  const w = cow.watch.get(Math.floor(addr / PAGE_SIZE));
  if (!w || w.off !== addr % PAGE_SIZE) {
    watchMap(s, cpu); // its SMBASE moved (relocation): watched from the next line on
    return null;
  }
  return w.epoch === cow.epoch ? w.before : null;
}
