/**
 * Echoes of console lines the UI sent (F10, a toolbar button, a line typed while others are
 * still unanswered), each paired with the worker's answer to its request id.
 *
 * An echo is printed right before its answer, in one terminal write with it (see store.ts for
 * why that matters for latency). If no answer has come after a short wait, the oldest echo may
 * print on its own, but only while no other printed echo is still waiting: so however fast keys
 * are pressed, the terminal reads echo, its output, echo, its output, ... (the worker answers in
 * the order it was asked).
 */

import type { TermItem } from './terminalSlice';

interface Pending {
  id: number;
  item: TermItem;
  printed: boolean;
}

export class EchoQueue {
  private q: Pending[] = [];

  add(id: number, item: TermItem): void {
    this.q.push({ id, item, printed: false });
  }

  /** Whether any echo is still waiting for its answer. */
  waiting(): boolean {
    return this.q.length > 0;
  }

  /** Whether an echo is waiting that has not been printed yet. */
  hasUnprinted(): boolean {
    return this.q.some((p) => !p.printed);
  }

  /** The echoes to print before the answer to request `id`, in order; they (and any older ones) leave the queue. */
  beforeAnswer(id: number): TermItem[] {
    const out: TermItem[] = [];
    while (this.q.length > 0 && this.q[0].id <= id) {
      const p = this.q.shift()!;
      if (!p.printed) out.push(p.item);
    }
    return out;
  }

  /** The oldest echo, if it may print before its answer: it is unprinted and no printed echo waits. */
  takeAlone(): TermItem | null {
    const head = this.q[0];
    if (!head || head.printed) return null;
    head.printed = true;
    return head.item;
  }
}
