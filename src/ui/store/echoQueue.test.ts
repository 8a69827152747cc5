import { describe, expect, it } from 'vitest';
import { EchoQueue } from './echoQueue';

const echo = (line: string) => ({ kind: 'echo' as const, lines: [line] });

describe('issue 6 §4: echoes stay with their outputs (EchoQueue)', () => {
  it('each answer takes its own echo (and none of the later ones), in request order', () => {
    const q = new EchoQueue();
    for (let id = 1; id <= 3; id++) q.add(id, echo(`step ${id}`));
    expect(q.beforeAnswer(1)).toEqual([echo('step 1')]);
    expect(q.beforeAnswer(2)).toEqual([echo('step 2')]);
    expect(q.waiting()).toBe(true);
    expect(q.beforeAnswer(3)).toEqual([echo('step 3')]);
    expect(q.waiting()).toBe(false);
    // A second output of the same request (a run in slices) brings no echo again.
    expect(q.beforeAnswer(3)).toEqual([]);
  });

  it('a slow answer: only the oldest echo prints early, the next waits until that answer came', () => {
    const q = new EchoQueue();
    q.add(1, echo('a'));
    q.add(2, echo('b'));
    expect(q.takeAlone()).toEqual(echo('a'));
    expect(q.takeAlone()).toBeNull(); // 'a' is printed and still unanswered: 'b' may not go before its output
    expect(q.hasUnprinted()).toBe(true);
    expect(q.beforeAnswer(1)).toEqual([]); // 'a' is already on screen
    expect(q.takeAlone()).toEqual(echo('b'));
    expect(q.beforeAnswer(2)).toEqual([]);
    expect(q.hasUnprinted()).toBe(false);
  });

  it('an answer to a later request flushes older echoes first (an answer that never came)', () => {
    const q = new EchoQueue();
    q.add(1, echo('a'));
    q.add(2, echo('b'));
    q.add(4, echo('c'));
    expect(q.beforeAnswer(2)).toEqual([echo('a'), echo('b')]);
    expect(q.beforeAnswer(4)).toEqual([echo('c')]);
    expect(q.waiting()).toBe(false);
  });
});
