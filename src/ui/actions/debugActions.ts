import type { DebugAction } from '../../protocol/messages';

/**
 * Every debugger action has an F-key and a second key that browsers and laptops leave to the page.
 *
 * Why two: on many laptops the F-keys send media/brightness codes unless Fn is held, macOS takes
 * F11 (Show Desktop), and ChromeOS's top row is back/forward/reload. The second keys follow
 * Chrome DevTools' own debugger keys (Ctrl+' step over, Ctrl+; step into, Ctrl+\ and F8
 * pause/resume; ⌘ instead of Ctrl on macOS also works), which no browser binds.
 *
 * What the page can prevent (README "Keyboard shortcuts"): Chromium offers every key to the page
 * before its own shortcuts except the reserved ones (chrome/browser/ui/browser_command_controller.cc,
 * BrowserCommandController::IsReservedCommandOrKey: new/close tab or window, switching tabs, quit,
 * and F11 while the window is full screen), so the page's preventDefault stops F5 reloading and
 * F11 entering full screen. The keys below are all of that kind.
 *
 * When the debugger is paused in SMM-C code (ViewSnapshot.c.stop), F10 / F11 / Shift+F11 and
 * their second keys step over / into / out of C lines, as in VS Code (and DevTools: Ctrl+' over,
 * Ctrl+; into, Ctrl+Shift+; out); anywhere else F10 and F11 keep stepping phases and events.
 */
export interface DebugActionSpec {
  label: string;
  /** Key hint shown on the button (the F-key). */
  keyHint: string;
  /** Every key that runs it, as shown in the "?" overlay. */
  keys: string[];
  /** The console line the action stands for (echoed into the terminal); null for pause. */
  consoleLine: string | null;
  title: string;
  keyTest: (e: KeyboardEvent) => boolean;
}

const plain = (e: KeyboardEvent) => !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey;
/** Ctrl (or ⌘ on macOS), no Alt, with or without Shift as asked; `code` is the physical key, so other layouts work too. */
const ctrl = (e: KeyboardEvent, code: string, shift = false) => (e.ctrlKey || e.metaKey) && !e.altKey && e.shiftKey === shift && e.code === code;

/** F8 and Ctrl+\ run `continue`, or pause while a run is going (as in DevTools). */
export const isRunToggleKey = (e: KeyboardEvent) => (e.key === 'F8' && plain(e)) || ctrl(e, 'Backslash');

/** Every debugger action, with its keys and console equivalent (the Record makes the list complete). */
export const DEBUG_ACTIONS: Record<DebugAction, DebugActionSpec> = {
  'step-phase': {
    label: 'Step phase',
    keyHint: 'F10',
    keys: ['F10', "Ctrl+'"],
    consoleLine: 'step phase',
    title: 'Run to the next phase of the SMI (trigger, delivery, save state, rendezvous, entry, MmiManage, ...)',
    keyTest: (e) => (e.key === 'F10' && plain(e)) || ctrl(e, 'Quote'),
  },
  'step-event': {
    label: 'Step event',
    keyHint: 'F11',
    keys: ['F11', 'Ctrl+;'],
    consoleLine: 'step event',
    title: 'Run to the next event (one CPU action, service call or handler)',
    keyTest: (e) => (e.key === 'F11' && plain(e)) || ctrl(e, 'Semicolon'),
  },
  'step-smi': {
    label: 'Step SMI',
    keyHint: 'Shift+F10',
    keys: ['Shift+F10', "Ctrl+Shift+'"],
    consoleLine: 'step smi',
    title: 'Run to the end of the current SMI',
    keyTest: (e) => (e.key === 'F10' && e.shiftKey && !e.ctrlKey && !e.altKey) || ctrl(e, 'Quote', true),
  },
  back: {
    label: 'Back',
    keyHint: 'F9',
    keys: ['F9', 'Alt+←'],
    consoleLine: 'back',
    title: 'Step one event back (checkpoint + deterministic replay)',
    keyTest: (e) => (e.key === 'F9' && plain(e)) || (e.key === 'ArrowLeft' && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey),
  },
  continue: {
    label: 'Continue',
    keyHint: 'F5',
    keys: ['F5', 'F8', 'Ctrl+\\'],
    consoleLine: 'continue',
    title: 'Run until the SMI ends or a breakpoint hits',
    keyTest: (e) => (e.key === 'F5' && plain(e)) || isRunToggleKey(e),
  },
  pause: {
    label: 'Pause',
    keyHint: 'F6',
    keys: ['F6', 'F8', 'Ctrl+\\'],
    consoleLine: null,
    title: 'Stop a running continue',
    keyTest: (e) => e.key === 'F6' && plain(e),
  },
  'step-over': {
    label: 'Step over',
    keyHint: 'F10',
    keys: ['F10', "Ctrl+'"],
    consoleLine: 'step over',
    title: 'SMM-C: run to the next line of this function (calls run through)',
    keyTest: (e) => (e.key === 'F10' && plain(e)) || ctrl(e, 'Quote'),
  },
  'step-into': {
    label: 'Step into',
    keyHint: 'F11',
    keys: ['F11', 'Ctrl+;'],
    consoleLine: 'step into',
    title: 'SMM-C: run to the next line, stopping inside the functions this line calls',
    keyTest: (e) => (e.key === 'F11' && plain(e)) || ctrl(e, 'Semicolon'),
  },
  'step-out': {
    label: 'Step out',
    keyHint: 'Shift+F11',
    keys: ['Shift+F11', 'Ctrl+Shift+;'],
    consoleLine: 'step out',
    title: 'SMM-C: run until this function has returned',
    keyTest: (e) => (e.key === 'F11' && e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) || ctrl(e, 'Semicolon', true),
  },
  reset: {
    label: 'Reset',
    keyHint: '',
    keys: [],
    consoleLine: 'reset',
    title: 'Reset the platform (reboots the firmware: SMBASE relocation, module dispatch)',
    keyTest: () => false,
  },
};

export const ACTION_ORDER: DebugAction[] = ['step-phase', 'step-event', 'step-smi', 'back', 'continue', 'pause', 'reset'];

/** The C line steps, which take F10 / F11 / Shift+F11 while the debugger is paused in C. */
export const C_STEP_ACTIONS: DebugAction[] = ['step-over', 'step-into', 'step-out'];

/** The toolbar's buttons: paused in C, the line steps take the place of the phase / event / SMI steps. */
export function toolbarActions(inC: boolean): DebugAction[] {
  return inC ? [...C_STEP_ACTIONS, 'back', 'continue', 'pause', 'reset'] : ACTION_ORDER;
}

/** Every action with keys, for the "?" overlay (the C steps after the phase / event ones they stand in for). */
export const KEY_ORDER: DebugAction[] = ['step-phase', 'step-event', 'step-smi', ...C_STEP_ACTIONS, 'back', 'continue', 'pause'];

/**
 * The action a key runs; F8 / Ctrl+\ pause instead of continuing while `busy`. `inC`: the
 * debugger is paused in SMM-C code, so F10 / F11 / Shift+F11 step over / into / out of lines.
 */
export function actionForKey(e: KeyboardEvent, busy = false, inC = false): DebugAction | null {
  if (isRunToggleKey(e)) return busy ? 'pause' : 'continue';
  if (inC) for (const a of C_STEP_ACTIONS) if (DEBUG_ACTIONS[a].keyTest(e)) return a;
  for (const a of ACTION_ORDER) if (DEBUG_ACTIONS[a].keyTest(e)) return a;
  return null;
}

const CODE_CHARS: Record<string, string> = { Quote: "'", Semicolon: ';', Backslash: '\\' };

/** How a key press reads in the terminal's echo note, e.g. "F10", "Ctrl+'", "Alt+←". */
export function keyLabel(e: KeyboardEvent): string {
  const mods = [e.ctrlKey && 'Ctrl', e.metaKey && '⌘', e.altKey && 'Alt', e.shiftKey && 'Shift'].filter(Boolean);
  const key = e.key === 'ArrowLeft' ? '←' : /^F\d+$/.test(e.key) ? e.key : (CODE_CHARS[e.code] ?? e.key);
  return [...mods, key].join('+');
}

/** Keys of the page that are not debugger actions, for the "?" overlay. */
export const OTHER_KEYS: [string[], string][] = [
  [['?'], 'this list (when the terminal line is empty)'],
  [['Alt+Enter'], 'enlarge the terminal: panel → lower row → full height → panel'],
  [['F2', 'Alt+Shift+P'], 'presentation mode on / off: large type, the Explain panel and up to three chosen panels (remembered)'],
  [['Esc'], 'close this list'],
  [['↑', '↓'], 'command history (terminal)'],
  [['←', '→', 'Home', 'End', 'Ctrl+A', 'Ctrl+E', 'Ctrl+U', 'Delete'], 'line editing (terminal)'],
  [['Ctrl+C'], 'abandon the line (copies when text is selected)'],
  [['Ctrl+L'], 'clear the terminal (or type clear)'],
  [['Ctrl+Enter', 'Ctrl+S'], 'Source editor: load the module (sends the files, runs load NAME.inf)'],
  [['Ctrl+click'], 'Source editor: open the header of an #include'],
];
