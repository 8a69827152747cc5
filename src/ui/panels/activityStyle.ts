import type { CpuActivity } from '../../protocol/messages';
import { ACTIVITY, ACTIVITY_ORDER } from './legend';

/**
 * A CPU tile's activity colour (--act) by its data-activity attribute, one rule per activity.
 * Rules rather than an inline style per tile: when a phase changes the activity of 64..256 tiles
 * at once, the tiles with the same activity share their matched style (Chromium's matched
 * properties cache) and React writes one attribute per tile instead of an attribute and a style.
 */
export function activityRules(): string {
  return ACTIVITY_ORDER.map((a: CpuActivity) => `.cpu-tile[data-activity='${a}']{--act:${ACTIVITY[a].color}}`).join('\n');
}

/** Adds the rules to the document once (main.tsx). */
export function installActivityStyle(doc: Document): void {
  const style = doc.createElement('style');
  style.dataset.smiscope = 'cpu-activity';
  style.textContent = activityRules();
  doc.head.append(style);
}
