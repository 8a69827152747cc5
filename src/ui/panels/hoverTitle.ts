import type { SyntheticEvent } from 'react';
import type { CpuView } from '../../protocol/messages';
import { appStore } from '../store/store';

/**
 * Sets a CPU's tooltip when the pointer (or focus) reaches the element, from the current state:
 * rewriting 64..256 title attributes on every step costs React work and a restyle each.
 */
export function cpuTitleOnHover(e: SyntheticEvent<HTMLElement>, index: number, text: (c: CpuView) => string): void {
  const cpu = appStore.getState().snapshot?.cpus[index];
  if (cpu) e.currentTarget.title = text(cpu);
}
