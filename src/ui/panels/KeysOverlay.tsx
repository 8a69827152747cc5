import { useEffect, useRef } from 'react';
import { C_STEP_ACTIONS, DEBUG_ACTIONS, KEY_ORDER, OTHER_KEYS } from '../actions/debugActions';
import { setKeysOpen } from '../actions/layout';
import { useApp } from '../store/store';
import { openGlossary } from '../teach/teachActions';

/**
 * The "?" overlay: every key of the page, the debugger's with both of their keys and the console
 * line they echo. Opened by "?" on an empty terminal line or the top bar's "? Keys" button.
 */
export function KeysOverlay() {
  const open = useApp((s) => s.keysOpen);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  if (!open) return null;
  const close = () => setKeysOpen(false);
  return (
    <div className="keys-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div className="keys-overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="keys-overlay" onKeyDown={(e) => e.key === 'Escape' && close()}>
        <header>
          <h2>Keys</h2>
          <button
            type="button"
            className="btn btn-small"
            data-testid="keys-glossary"
            title="Every term of the page with its definition"
            onClick={() => {
              setKeysOpen(false);
              openGlossary();
            }}
          >
            Glossary
          </button>
          <button ref={closeRef} type="button" className="btn btn-small" onClick={close}>
            Close <kbd>Esc</kbd>
          </button>
        </header>
        <table className="keys-table">
          <thead>
            <tr>
              <th>keys</th>
              <th>action</th>
              <th>console</th>
            </tr>
          </thead>
          <tbody>
            {KEY_ORDER.filter((a) => DEBUG_ACTIONS[a].keys.length > 0).map((a) => (
              <tr key={a} data-testid={`keys-row-${a}`}>
                <td>
                  {DEBUG_ACTIONS[a].keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td>
                  {DEBUG_ACTIONS[a].label}
                  {C_STEP_ACTIONS.includes(a) && <span className="muted"> (paused in C)</span>}
                </td>
                <td className="mono">{DEBUG_ACTIONS[a].consoleLine ?? ''}</td>
              </tr>
            ))}
            {OTHER_KEYS.map(([keys, what]) => (
              <tr key={keys.join()}>
                <td>
                  {keys.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                </td>
                <td colSpan={2}>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="keys-note">
          The debugger keys work everywhere in the page, the terminal included. F5 and F11 are the page's, not the browser's: Chromium offers them to the page before reloading or going full screen
          (BrowserCommandController::IsReservedCommandOrKey), except F11 while the window is already full screen. Where F-keys need Fn (many laptops) or belong to the system (macOS F11), the second keys
          follow Chrome DevTools: Ctrl+' step, Ctrl+; step in, Ctrl+Shift+; step out, Ctrl+\ and F8 run / pause; ⌘ works instead of Ctrl on macOS. Paused in SMM-C code, F10 / F11 / Shift+F11 step over / into / out of
          C lines (as in VS Code); anywhere else they step phases and events. In the Source editor, Ctrl+Enter or Ctrl+S loads the module.
        </p>
      </div>
    </div>
  );
}
