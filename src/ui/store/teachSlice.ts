/**
 * The teaching layer's page state: the glossary page, the term popover, the Examples menu and
 * presentation mode (remembered across reloads, with the panels chosen for it).
 */

import { readStored, writeStored } from './stored';

/** Panels presentation mode can show beside the Explain panel (their Panel `area`). */
export const PRESENT_AREAS = ['cpus', 'save', 'timeline', 'handlers', 'smram', 'term'] as const;
export type PresentArea = (typeof PRESENT_AREAS)[number];
export const PRESENT_DEFAULT: PresentArea[] = ['cpus', 'save', 'timeline'];
/** At most this many chosen panels (with the Explain panel: four quarters of a 1280x720 screen). */
export const PRESENT_MAX = 3;

/** The term popover: hovered (follows the mouse) or pinned (a click, Enter). */
export interface GlossTip {
  id: string;
  /** The term's box on screen (viewport px), where the popover is placed. */
  rect: { left: number; top: number; bottom: number; right: number };
  pinned: boolean;
  /** Token of the term element that opened it (focus goes back there on Escape). */
  anchor: number;
}

export interface TeachSlice {
  glossaryOpen: boolean;
  /** The term the glossary page shows first (scrolled to, highlighted). */
  glossaryTerm: string | null;
  glossTip: GlossTip | null;
  examplesOpen: boolean;
  presentation: boolean;
  presentAreas: PresentArea[];
}

const PRESENT_KEY = 'smiscope.presentation';
const PRESENT_AREAS_KEY = 'smiscope.presentationPanels';

export function savePresentation(on: boolean, areas: PresentArea[]): void {
  writeStored(PRESENT_KEY, on ? '1' : '0');
  writeStored(PRESENT_AREAS_KEY, areas.join(','));
}

function savedAreas(): PresentArea[] {
  const v = readStored(PRESENT_AREAS_KEY);
  if (v === null) return PRESENT_DEFAULT;
  const areas = v.split(',').filter((a): a is PresentArea => (PRESENT_AREAS as readonly string[]).includes(a));
  return areas.slice(0, PRESENT_MAX);
}

/** The slice's initial state (the store composes the slices). */
export const createTeachSlice = (): TeachSlice => ({
  glossaryOpen: false,
  glossaryTerm: null,
  glossTip: null,
  examplesOpen: false,
  presentation: readStored(PRESENT_KEY) === '1',
  presentAreas: savedAreas(),
});
