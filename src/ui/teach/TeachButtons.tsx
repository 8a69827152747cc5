import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { appStore, useApp } from '../store/store';
import { PRESENT_AREAS, PRESENT_MAX, type PresentArea } from '../store/teachSlice';
import { EXAMPLES } from './examples';
import { LessonsButton } from '../lessons/LessonsPanel';
import { openGlossary, runExample, togglePresentArea, togglePresentation } from './teachActions';

/** Top bar: the glossary page. */
export function GlossaryButton() {
  return (
    <button type="button" className="btn btn-small" data-testid="glossary-button" title="Every term of the page (SMI, SMRAM, SMBASE, monarch, ...) with its definition; also #glossary=TERM links" onClick={() => openGlossary()}>
      Glossary
    </button>
  );
}

/** Top bar: one-click scenarios, each saying what it shows. */
export function ExamplesMenu() {
  const { open, busy, ready } = useApp(useShallow((s) => ({ open: s.examplesOpen, busy: s.busy, ready: s.ready })));
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) appStore.setState({ examplesOpen: false });
    };
    document.addEventListener('mousedown', onDown, true);
    return () => document.removeEventListener('mousedown', onDown, true);
  }, [open]);
  return (
    <span className="examples" ref={ref}>
      <button
        type="button"
        className={`btn btn-small${open ? ' on' : ''}`}
        data-testid="examples-button"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={!ready}
        title="One-click scenarios from the README: each boots a platform and runs its console lines (echoed in the terminal)"
        onClick={() => appStore.setState({ examplesOpen: !open })}
      >
        Examples ▾
      </button>
      {open && (
        <div
          className="examples-menu"
          role="menu"
          data-testid="examples-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              appStore.setState({ examplesOpen: false });
            }
          }}
        >
          {EXAMPLES.map((ex, i) => (
            <button
              key={ex.id}
              type="button"
              role="menuitem"
              className="example-item"
              data-testid={`example-${ex.id}`}
              disabled={busy}
              autoFocus={i === 0}
              title={ex.lines.join('\n')}
              onClick={() => runExample(ex)}
            >
              <span className="example-title">{ex.title}</span>
              <span className="example-shows">{ex.shows}</span>
              <span className="example-lines mono">{ex.lines.join(' ; ')}</span>
            </button>
          ))}
        </div>
      )}
    </span>
  );
}

/** Top bar: presentation mode on / off (F2, Alt+Shift+P). */
export function PresentToggle() {
  const on = useApp((s) => s.presentation);
  return (
    <button
      type="button"
      className={`btn btn-small btn-present${on ? ' on' : ''}`}
      aria-pressed={on}
      data-testid="present-toggle"
      title={on ? 'Presentation mode is on: click (or F2, Alt+Shift+P) to go back to every panel' : 'Presentation mode: large type, the Explain panel and up to three chosen panels, for a projector (F2, Alt+Shift+P)'}
      onClick={togglePresentation}
    >
      Present<kbd>F2</kbd>
    </button>
  );
}

const AREA_LABEL: Record<PresentArea, string> = {
  cpus: 'CPUs',
  save: 'Save state',
  timeline: 'Timeline',
  handlers: 'Handlers',
  smram: 'SMRAM',
  term: 'Terminal',
};

/** Presentation mode's panels (beside the Explain panel, at most three): a small menu by the Present button. */
export function PresentChooser() {
  const areas = useApp((s) => s.presentAreas);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown, true);
    return () => document.removeEventListener('mousedown', onDown, true);
  }, [open]);
  return (
    <span className="present-chooser-wrap" ref={ref}>
      <button
        type="button"
        className={`btn btn-small btn-present-panels${open ? ' on' : ''}`}
        data-testid="present-chooser-button"
        aria-haspopup="true"
        aria-expanded={open}
        title={`Panels presentation mode shows beside the Explain panel (up to ${PRESENT_MAX}): ${areas.map((a) => AREA_LABEL[a]).join(', ')}`}
        onClick={() => setOpen(!open)}
      >
        ▾
      </button>
      {open && (
        <div
          className="present-chooser"
          role="group"
          aria-label="Panels shown in presentation mode"
          data-testid="present-chooser"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <span className="muted">presentation shows Explain and (up to {PRESENT_MAX}):</span>
          {PRESENT_AREAS.map((a) => (
            <label key={a} className={areas.includes(a) ? 'on' : ''}>
              <input type="checkbox" checked={areas.includes(a)} data-testid={`present-area-${a}`} onChange={() => togglePresentArea(a)} />
              {AREA_LABEL[a]}
            </label>
          ))}
        </div>
      )}
    </span>
  );
}

/** The teaching buttons, a column of their own at the top bar's right. */
export function TeachGroup() {
  return (
    <div className="teach-group" data-testid="teach-group">
      <LessonsButton />
      <ExamplesMenu />
      <GlossaryButton />
      <span className="present-pair">
        <PresentToggle />
        <PresentChooser />
      </span>
    </div>
  );
}
