/**
 * How the page follows the debugger (issue 6 §2, §4): which CPU the save state shows, where the
 * hex view goes during a Communicate, which events the last step added, how the timeline lays
 * out its lanes at 64 and 256 CPUs.
 */
export interface FollowSlice {
  /** The save state keeps the selected CPU (pinned) instead of following the CPU of each step. */
  pinCpu: boolean;
  /** The session event number when the user last sent a command or action: "this step" is what came after. */
  stepFrom: number;
  /** The next `stepFrom`, taken with the next snapshot (so the list changes when the step's events arrive, not at the key press). */
  pendingStepFrom: number | null;
  /** The SMI (number) during which the user last moved the hex view (-1: none in progress then). */
  hexMovedInSmi: number;
  /** The Communicate SMI whose buffer the hex view last jumped to. */
  commJumpedSmi: number;
  /** The timeline's list of the events of this step is open. */
  stepListOpen: boolean;
  /** Timeline: all lanes in the visible height. */
  tlFit: boolean;
  /** Timeline: identical AP lanes folded into one; null = automatic (on with more than 16 CPUs). */
  tlGroup: boolean | null;
}

export const createFollowSlice = (): FollowSlice => ({
  pinCpu: false,
  stepFrom: 0,
  pendingStepFrom: null,
  hexMovedInSmi: -1,
  commJumpedSmi: -1,
  stepListOpen: true,
  tlFit: false,
  tlGroup: null,
});
