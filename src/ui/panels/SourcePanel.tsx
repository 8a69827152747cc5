import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { closeTab, dropFiles, editFile, gutterClick, loadFromEditor, newModule, openHeader, openInclude, setEditorTab } from '../actions/sourceActions';
import { appStore, useApp } from '../store/store';
import type { DebugMarks, EditorHooks } from '../source/cmExtensions';
import { headerOfTab, headerTab, isHeaderTab } from '../source/editorFiles';
import { Panel } from './Panel';

/** CodeMirror (~500 kB) loads with the first source shown, not with the page. */
const CEditor = lazy(() => import('../source/CEditor').then((m) => ({ default: m.CEditor })));

const lower = (s: string) => s.toLowerCase();
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const sameFile = (a: string, b: string) => lower(baseName(a)) === lower(baseName(b));

/** The file tabs (• when changed since loaded) and the read-only header tabs. */
function Tabs() {
  const { files, headers, tab } = useApp(useShallow((s) => ({ files: s.editorFiles, headers: s.openHeaders, tab: s.editorTab })));
  const tabs = [
    ...files.map((f) => ({ key: f.name, label: f.name, dirty: f.base !== null && f.text !== f.base, unloaded: f.base === null, header: false })),
    ...headers.map((h) => ({ key: headerTab(h), label: h.slice(h.lastIndexOf('/') + 1), dirty: false, unloaded: false, header: true })),
  ];
  if (tabs.length === 0) return null;
  return (
    <div className="src-tabs" role="tablist" aria-label="Source files">
      {tabs.map((t) => (
        <span key={t.key} className={`src-tab${t.key === tab ? ' active' : ''}${t.header ? ' header' : ''}`} data-testid={`src-tab-${t.header ? headerOfTab(t.key) : t.key}`}>
          <button
            type="button"
            role="tab"
            aria-selected={t.key === tab}
            className="src-tab-name"
            title={t.header ? `${headerOfTab(t.key)}: a header SmiScope ships (read-only)` : t.dirty ? `${t.key}: changed since it was loaded (Load to use the change)` : t.unloaded ? `${t.key}: not loaded yet` : `${t.key}: as loaded`}
            onClick={() => setEditorTab(t.key)}
          >
            {t.label}
            {t.dirty && <span className="src-dirty"> •</span>}
            {t.header && <span className="src-ro"> (read-only)</span>}
          </button>
          <button type="button" className="src-tab-close" aria-label={`close ${t.label}`} title="Close this tab" onClick={() => closeTab(t.key)}>
            ×
          </button>
        </span>
      ))}
    </div>
  );
}

/** The compile error, a hung CPU or where C is paused, in one line above the editor. */
function Banner() {
  const { diagnostic, hung, stop, message, mode } = useApp(
    useShallow((s) => ({ diagnostic: s.snapshot?.c?.diagnostic ?? null, hung: s.snapshot?.c?.hung ?? null, stop: s.snapshot?.c?.stop ?? null, message: s.snapshot?.status.message ?? '', mode: s.snapshot?.status.mode })),
  );
  if (diagnostic) {
    return (
      <div className="src-banner src-banner-error" data-testid="source-error" title={diagnostic.text}>
        <b>error</b> {diagnostic.file}:{diagnostic.line}:{diagnostic.col}: {diagnostic.message} <span className="muted">(the module did not compile; nothing changed)</span>
      </div>
    );
  }
  if (hung && mode === 'hung') {
    return (
      <div className="src-banner src-banner-hung" data-testid="source-hung" title={message}>
        <b>CPU {hung.cpu} hung</b> at {hung.file}:{hung.line} in {hung.fn}: {message} <span className="muted">(reset recovers)</span>
      </div>
    );
  }
  if (stop) {
    return (
      <div className="src-banner src-banner-stop" data-testid="source-stop">
        <b>paused</b> CPU {stop.cpu} in {stop.fn} at {stop.file}:{stop.line} <span className="muted">· F10 over · F11 into · Shift+F11 out · F5 continue</span>
      </div>
    );
  }
  return null;
}

function HeaderPicker() {
  const names = useApp((s) => s.headerNames);
  return (
    <select
      className="src-headers"
      aria-label="Open a shipped header"
      data-testid="header-picker"
      value=""
      title="The headers SmiScope ships (#include <...>): open one read-only. Ctrl+click an #include in the editor does the same."
      onChange={(e) => e.target.value && openHeader(e.target.value)}
    >
      <option value="">Headers…</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
    </select>
  );
}

function Empty() {
  return (
    <div className="src-empty">
      <p>No source open.</p>
      <p>
        <button type="button" className="btn btn-small" onClick={newModule}>
          New module
        </button>{' '}
        starts from a root MMI handler that reads APM_CNT (0xB2). Or drop a module folder (its .inf, .c and .h files) here, or open a shipped header from the Headers list.
      </p>
    </div>
  );
}

/** The editor's hooks: read the store when the event happens. */
function useHooks(): EditorHooks {
  return useMemo<EditorHooks>(
    () => ({
      gutterClick: (line) => gutterClick(appStore.getState().editorTab, line),
      openInclude,
      load: loadFromEditor,
      locals: () => {
        const s = appStore.getState();
        const c = s.snapshot?.c;
        return c?.stop && sameFile(c.stop.file, s.editorTab) ? c.locals : [];
      },
    }),
    [],
  );
}

export function SourcePanel() {
  const { files, tab, headerTexts, busy, ready, c, reveal } = useApp(
    useShallow((s) => ({ files: s.editorFiles, tab: s.editorTab, headerTexts: s.headerTexts, busy: s.busy, ready: s.ready, c: s.snapshot?.c, reveal: s.editorReveal })),
  );
  const hooks = useHooks();
  const [dragging, setDragging] = useState(false);
  // The editor is made the first time the Source view shows, then kept (with its tabs' undo history).
  const visible = useApp((s) => s.sourceView);
  const [activated, setActivated] = useState(visible);
  useEffect(() => {
    if (visible) setActivated(true);
  }, [visible]);
  const header = isHeaderTab(tab);
  const file = header ? undefined : files.find((f) => f.name === tab);
  const text = header ? (headerTexts[headerOfTab(tab)] ?? `/* loading ${headerOfTab(tab)} ... */`) : (file?.text ?? '');
  const shown = header || file ? tab : '';

  const bps = c?.lineBreakpoints;
  const stop = c?.stop ?? null;
  const hung = c?.hung ?? null;
  const marks = useMemo<DebugMarks>(() => {
    if (!shown || header) return { breakpoints: [], stop: null, hung: null };
    return {
      breakpoints: (bps ?? []).filter((b) => sameFile(b.file, shown)).map((b) => b.line),
      stop: stop && sameFile(stop.file, shown) ? { line: stop.line, title: `CPU ${stop.cpu} is paused here, in ${stop.fn} (${stop.module})` } : null,
      hung: hung && sameFile(hung.file, shown) ? { line: hung.line, title: `CPU ${hung.cpu} is stuck here, in ${hung.fn}` } : null,
    };
  }, [shown, header, bps, stop, hung]);
  const d = c?.diagnostic;
  // In a shipped header, once its text is here (the range is taken from the text).
  const diagOn = d && shown && (header ? d.file === headerOfTab(shown) && headerTexts[d.file] !== undefined : sameFile(d.file, shown));
  const diagnostic = useMemo(() => (d && diagOn ? { line: d.line, col: d.col, message: d.message } : null), [d, diagOn]);
  const rev = reveal && reveal.tab === shown ? reveal : null;

  const sub = header ? `${headerOfTab(tab)} (shipped, read-only)` : file ? file.name : '';
  return (
    <Panel
      area="source"
      testId="source-panel"
      title={
        <>
          Source <span className="head-sub">{sub}</span>
        </>
      }
      extra={
        <span className="src-actions">
          <button type="button" className="btn btn-small" data-testid="new-module" title="A new SMM-C module from a template: a root MMI handler that reads APM_CNT (0xB2) and answers one command" onClick={newModule}>
            New module
          </button>
          <button
            type="button"
            className="btn btn-small btn-load"
            data-testid="load-module"
            disabled={!ready || busy || files.length === 0}
            title="Compile the module and put it into the firmware volume (reboots). Sends the editor's files, then runs `load NAME.inf`  —  keys: Ctrl+Enter, Ctrl+S in the editor"
            onClick={loadFromEditor}
          >
            Load <kbd>Ctrl+↵</kbd>
          </button>
          <HeaderPicker />
        </span>
      }
    >
      <Tabs />
      <Banner />
      <div
        className={`src-body${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void dropFiles(e.dataTransfer);
        }}
      >
        {!activated ? null : shown ? (
          <Suspense fallback={<div className="src-empty">loading the editor…</div>}>
            <CEditor docKey={shown} text={text} readOnly={header} marks={marks} diagnostic={diagnostic} reveal={rev} hooks={hooks} onChange={editFile} />
          </Suspense>
        ) : (
          <Empty />
        )}
        {dragging && <div className="src-drop">Drop .c, .h and .inf files or a module folder to open them</div>}
      </div>
    </Panel>
  );
}
