import { sendCommand } from '../actions/commands';
import { focusTerminal } from '../actions/layout';
import { appStore } from '../store/store';
import { PRESENT_MAX, savePresentation, type GlossTip, type PresentArea } from '../store/teachSlice';
import { findTerm } from './glossary';
import type { Example } from './examples';

const HASH = '#glossary=';

/** Opens the glossary page, at a term (name, alias or id) when given; the URL says which (#glossary=ID). */
export function openGlossary(term?: string | null): void {
  const t = term ? findTerm(term) : undefined;
  appStore.setState({ glossaryOpen: true, glossaryTerm: t?.id ?? null, glossTip: null, examplesOpen: false });
  setHash(t ? `${HASH}${encodeURIComponent(t.id)}` : HASH.slice(0, -1));
}

export function closeGlossary(): void {
  appStore.setState({ glossaryOpen: false, glossaryTerm: null });
  if (location.hash.startsWith(HASH.slice(0, -1))) setHash('');
  focusTerminal();
}

function setHash(hash: string): void {
  try {
    history.replaceState(null, '', hash ? hash : location.pathname + location.search);
  } catch {
    // no history (tests)
  }
}

/** `#glossary=TERM` in the URL opens the glossary page at that term (on load and when the hash changes). */
export function installGlossaryHash(): () => void {
  const check = () => {
    const h = location.hash;
    if (h === '#glossary' || h.startsWith(HASH)) {
      let name = '';
      try {
        name = decodeURIComponent(h.slice(HASH.length));
      } catch {
        name = '';
      }
      openGlossary(name || null);
    }
  };
  check();
  window.addEventListener('hashchange', check);
  return () => window.removeEventListener('hashchange', check);
}

// ---------- the term popover ----------

let refocusing = false;
let showTimer: ReturnType<typeof setTimeout> | null = null;
let hideTimer: ReturnType<typeof setTimeout> | null = null;
/** Term elements by token, so Escape gives focus back to the term that opened the popover. */
export const termAnchors = new Map<number, HTMLElement>();

function clearTimers(): void {
  if (showTimer) clearTimeout(showTimer);
  if (hideTimer) clearTimeout(hideTimer);
  showTimer = hideTimer = null;
}

function rectOf(el: HTMLElement): GlossTip['rect'] {
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, bottom: r.bottom, right: r.right };
}

/** Hover or focus: show the term's definition (a pinned popover stays as it is). */
export function hoverTerm(id: string, el: HTMLElement, anchor: number, delay = 120): void {
  if (refocusing) return;
  const tip = appStore.getState().glossTip;
  if (tip?.pinned) return;
  clearTimers();
  const show = () => appStore.setState({ glossTip: { id, rect: rectOf(el), pinned: false, anchor } });
  if (delay <= 0 || tip) show();
  else showTimer = setTimeout(show, delay);
}

/** The mouse left the term (or the popover): hide soon, unless it comes back. */
export function leaveTerm(): void {
  if (showTimer) clearTimeout(showTimer);
  showTimer = null;
  if (appStore.getState().glossTip?.pinned) return;
  if (hideTimer) clearTimeout(hideTimer);
  hideTimer = setTimeout(() => {
    if (!appStore.getState().glossTip?.pinned) appStore.setState({ glossTip: null });
  }, 200);
}

/** The mouse is on the popover: keep it. */
export function keepTip(): void {
  if (hideTimer) clearTimeout(hideTimer);
  hideTimer = null;
}

/** A click or Enter: pin the popover open (or close it when it is pinned on this term already). */
export function pinTerm(id: string, el: HTMLElement, anchor: number): void {
  clearTimers();
  const tip = appStore.getState().glossTip;
  if (tip?.pinned && tip.id === id && tip.anchor === anchor) appStore.setState({ glossTip: null });
  else appStore.setState({ glossTip: { id, rect: rectOf(el), pinned: true, anchor } });
}

/** Show another term in the pinned popover (its see-also links). */
export function showTermInTip(id: string): void {
  const tip = appStore.getState().glossTip;
  if (tip) appStore.setState({ glossTip: { ...tip, id, pinned: true } });
}

/** Escape, a click elsewhere: close; `refocus` gives the keyboard back to the term. */
export function closeTip(refocus = false): void {
  clearTimers();
  const tip = appStore.getState().glossTip;
  appStore.setState({ glossTip: null });
  if (refocus && tip) {
    // The focus goes back to the term without opening its popover again.
    refocusing = true;
    termAnchors.get(tip.anchor)?.focus();
    refocusing = false;
  }
}

// ---------- presentation mode ----------

export function setPresentation(on: boolean): void {
  appStore.setState({ presentation: on });
  savePresentation(on, appStore.getState().presentAreas);
}

export function togglePresentation(): void {
  setPresentation(!appStore.getState().presentation);
}

/** Adds or removes a panel of presentation mode (at most PRESENT_MAX; the oldest choice gives way). */
export function togglePresentArea(area: PresentArea): void {
  const { presentAreas, presentation } = appStore.getState();
  let next = presentAreas.includes(area) ? presentAreas.filter((a) => a !== area) : [...presentAreas, area];
  if (next.length > PRESENT_MAX) next = next.slice(next.length - PRESENT_MAX);
  appStore.setState({ presentAreas: next });
  savePresentation(presentation, next);
}

/** F2, or Alt+Shift+P (laptops whose F-keys need Fn): presentation mode on / off. */
export function isPresentationKey(e: KeyboardEvent): boolean {
  if (e.key === 'F2' && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) return true;
  return e.altKey && e.shiftKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyP';
}

// ---------- examples ----------

/** Runs an example's console lines, in order, each echoed at the prompt as if typed. */
export function runExample(ex: Example): void {
  appStore.setState({ examplesOpen: false });
  for (const line of ex.lines) sendCommand(line, { note: `example: ${ex.title}` });
  focusTerminal();
}
