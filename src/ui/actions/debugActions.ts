import type { DebugAction } from '../../protocol/messages';

export interface DebugActionSpec {
  label: string;
  /** Key hint shown on the button. */
  keyHint: string;
  /** The console line the action stands for (echoed into the terminal); null for pause. */
  consoleLine: string | null;
  title: string;
  keyTest: (e: KeyboardEvent) => boolean;
}

const plain = (e: KeyboardEvent) => !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey;

/** Every debugger action, with its key and console equivalent (the Record makes the list complete). */
export const DEBUG_ACTIONS: Record<DebugAction, DebugActionSpec> = {
  'step-phase': {
    label: 'Step phase',
    keyHint: 'F10',
    consoleLine: 'step phase',
    title: 'Run to the next phase of the SMI (trigger, delivery, save state, rendezvous, entry, MmiManage, ...)',
    keyTest: (e) => e.key === 'F10' && plain(e),
  },
  'step-event': {
    label: 'Step event',
    keyHint: 'F11',
    consoleLine: 'step event',
    title: 'Run to the next event (one CPU action, service call or handler)',
    keyTest: (e) => e.key === 'F11' && plain(e),
  },
  'step-smi': {
    label: 'Step SMI',
    keyHint: 'Shift+F10',
    consoleLine: 'step smi',
    title: 'Run to the end of the current SMI',
    keyTest: (e) => e.key === 'F10' && e.shiftKey && !e.ctrlKey && !e.altKey,
  },
  continue: {
    label: 'Continue',
    keyHint: 'F5',
    consoleLine: 'continue',
    title: 'Run until the SMI ends or a breakpoint hits',
    keyTest: (e) => e.key === 'F5' && plain(e),
  },
  pause: {
    label: 'Pause',
    keyHint: 'F6',
    consoleLine: null,
    title: 'Stop a running continue',
    keyTest: (e) => e.key === 'F6' && plain(e),
  },
  reset: {
    label: 'Reset',
    keyHint: '',
    consoleLine: 'reset',
    title: 'Reset the platform (reboots the firmware: SMBASE relocation, module dispatch)',
    keyTest: () => false,
  },
};

export const ACTION_ORDER: DebugAction[] = ['step-phase', 'step-event', 'step-smi', 'continue', 'pause', 'reset'];

export function actionForKey(e: KeyboardEvent): DebugAction | null {
  for (const a of ACTION_ORDER) if (DEBUG_ACTIONS[a].keyTest(e)) return a;
  return null;
}
