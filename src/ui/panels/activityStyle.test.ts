import { describe, expect, it } from 'vitest';
import { ACTIVITY, ACTIVITY_ORDER } from './legend';
import { activityRules } from './activityStyle';

describe('CPU tile activity colours', () => {
  it('issue 10: one rule per activity, with the colour the legend shows for it', () => {
    const rules = activityRules().split('\n');
    expect(rules).toHaveLength(Object.keys(ACTIVITY).length);
    for (const a of ACTIVITY_ORDER) expect(rules).toContain(`.cpu-tile[data-activity='${a}']{--act:${ACTIVITY[a].color}}`);
  });
});
