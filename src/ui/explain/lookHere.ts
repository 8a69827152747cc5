import type { LookHere } from '../../protocol/messages';
import { selectCpu } from '../actions/commands';
import { showViewOf } from '../actions/sourceActions';
import { appStore } from '../store/store';

/**
 * "Look here": a pointer of the explanation names a panel and, when it has one, a row, a field
 * or a CPU. This finds that element through the hooks the panels already have (data-testid and
 * data attributes), marks it (data-look, which CSS outlines) and draws a ring over it that
 * stays on top of any scrolling box; a click also does what a person would do there (select
 * the CPU, open the Modules tab, show the source) and scrolls the element into view.
 */

const PANEL_IDS: Record<LookHere['panel'], string> = {
  cpus: 'cpus-panel',
  savestate: 'savestate-panel',
  smram: 'smram-panel',
  handlers: 'handlers-panel',
  timeline: 'timeline-panel',
  terminal: 'terminal-panel',
  editor: 'source-panel',
};

function byTestId(id: string, root: ParentNode = document): HTMLElement | null {
  return root.querySelector<HTMLElement>(`[data-testid="${CSS.escape(id)}"]`);
}

function visible(el: HTMLElement | null): el is HTMLElement {
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
}

/** The element a pointer names (the row or tile), or its panel when the row is not on screen. */
export function lookTarget(l: LookHere): HTMLElement | null {
  const panel = byTestId(PANEL_IDS[l.panel]);
  let el: HTMLElement | null = null;
  switch (l.panel) {
    case 'cpus':
      if (l.cpu !== undefined) el = byTestId(`cpu-tile-${l.cpu}`);
      break;
    case 'savestate':
      if (l.field && panel) el = byTestId(`ss-field-${l.field}`, panel);
      break;
    case 'smram':
      if (panel && /CommBuffer/.test(l.label)) el = byTestId('smram-commbuffer', panel);
      else if (panel && l.cpu !== undefined) el = panel.querySelector<HTMLElement>(`.smram-row[data-kind="save-state"][data-cpu="${l.cpu}"]`);
      break;
    case 'handlers':
      if (panel && l.handler) {
        el = [...panel.querySelectorAll<HTMLElement>('[data-testid="handler-row"]')].find((r) => r.querySelector('.fn')?.textContent === l.handler) ?? null;
      } else if (panel && l.module) el = byTestId(`module-row-${l.module}`, panel);
      break;
    case 'timeline':
      if (panel && l.cpu !== undefined) el = byTestId(`tl-lane-${l.cpu}`, panel);
      break;
    default:
      break;
  }
  return visible(el) ? el : visible(panel) ? panel : null;
}

let marked: HTMLElement | null = null;
let ring: HTMLDivElement | null = null;
let follow = 0;

function place(el: HTMLElement): void {
  if (!ring) {
    ring = document.createElement('div');
    ring.className = 'look-ring';
    ring.dataset.testid = 'look-ring';
    document.body.appendChild(ring);
  }
  const r = el.getBoundingClientRect();
  ring.style.left = `${r.left - 3}px`;
  ring.style.top = `${r.top - 3}px`;
  ring.style.width = `${r.width + 6}px`;
  ring.style.height = `${r.height + 6}px`;
  ring.style.display = 'block';
}

/** Marks the element a pointer names (null: clears the mark). Returns the element marked. */
export function showLook(l: LookHere | null): HTMLElement | null {
  cancelAnimationFrame(follow);
  if (marked) delete marked.dataset.look;
  marked = null;
  if (!l) {
    if (ring) ring.style.display = 'none';
    return null;
  }
  const el = lookTarget(l);
  if (!el) {
    if (ring) ring.style.display = 'none';
    return null;
  }
  el.dataset.look = 'on';
  marked = el;
  // The ring follows the element while it is shown (scrolling, a panel re-laid out).
  const tick = () => {
    if (marked !== el) return;
    place(el);
    follow = requestAnimationFrame(tick);
  };
  tick();
  return el;
}

/** A click on a pointer: go there (select the CPU, open the tab or the source), then mark it. */
export function goToLook(l: LookHere): void {
  if (l.cpu !== undefined && (l.panel === 'cpus' || l.panel === 'savestate' || (l.panel === 'smram' && l.cpu !== undefined))) selectCpu(l.cpu);
  if (l.panel === 'handlers') appStore.setState({ handlersTab: l.module ? 'modules' : l.handler ? 'mmi' : /Protocols/.test(l.label) ? 'protocols' : appStore.getState().handlersTab });
  showViewOf(l.panel);
  appStore.setState({ lookActive: l });
  // The panels answer the selection with the next snapshot: look for the element for a moment.
  let tries = 0;
  const attempt = () => {
    const el = lookTarget(l);
    const exact = el !== null && !el.classList.contains('panel');
    const savedCpu = appStore.getState().snapshot?.saveState.cpu;
    const ready = exact && (l.panel !== 'savestate' || l.cpu === undefined || savedCpu === l.cpu);
    if (ready || tries++ > 30) {
      el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      showLook(l);
      return;
    }
    setTimeout(attempt, 50);
  };
  attempt();
}
