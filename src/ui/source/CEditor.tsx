/**
 * A small React wrapper around one CodeMirror 6 EditorView (hand-written: no wrapper library).
 * One view shows one buffer at a time; each tab keeps its own EditorState (undo history,
 * selection, scroll) in a map, so switching tabs is `view.setState`. The text lives in the store:
 * what the user types goes out through `onChange`, and a text that changes from outside (a
 * loaded module's source) is applied as one undoable edit. Marks, the compile error and the
 * line to reveal are pushed in with effects after each change.
 */

import { setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { type DebugMarks, editorExtensions, type EditorHooks, setMarks } from './cmExtensions';
import { diagnosticRange } from './sourceMarks';

export interface CEditorProps {
  /** Which buffer (tab) is shown. */
  docKey: string;
  text: string;
  readOnly: boolean;
  marks: DebugMarks;
  /** A compile error in this buffer (1-based line and column). */
  diagnostic: { line: number; col: number; message: string } | null;
  /** Scroll to this line (and put the cursor there) whenever `nonce` changes. */
  reveal: { line: number; nonce: number } | null;
  hooks: EditorHooks;
  onChange(docKey: string, text: string): void;
}

export function CEditor(props: CEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const states = useRef(new Map<string, EditorState>());
  const shown = useRef<string | null>(null);
  const latest = useRef(props);
  latest.current = props;
  /** True while the wrapper itself changes the text (not the user). */
  const syncing = useRef(false);

  useLayoutEffect(() => {
    const view = new EditorView({ parent: host.current! });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
      shown.current = null;
      states.current.clear();
    };
  }, []);

  const makeState = (text: string, readOnly: boolean) =>
    EditorState.create({
      doc: text,
      extensions: [
        editorExtensions(latest.current.hooks, readOnly),
        EditorView.updateListener.of((u) => {
          if (u.docChanged && !syncing.current && shown.current !== null) latest.current.onChange(shown.current, u.state.doc.toString());
        }),
      ],
    });

  // The buffer: switch tabs, then bring the text in if it changed from outside.
  useLayoutEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const { docKey, text, readOnly } = props;
    if (shown.current !== docKey) {
      if (shown.current !== null) states.current.set(shown.current, view.state);
      let st = states.current.get(docKey);
      if (!st || st.readOnly !== readOnly) st = makeState(text, readOnly);
      shown.current = docKey;
      view.setState(st);
    }
    if (view.state.doc.length !== text.length || view.state.doc.toString() !== text) {
      syncing.current = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        syncing.current = false;
      }
    }
  }, [props.docKey, props.text, props.readOnly]);

  useLayoutEffect(() => {
    viewRef.current?.dispatch({ effects: setMarks.of(props.marks) });
  }, [props.marks, props.docKey]);

  useLayoutEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    const d = props.diagnostic;
    const diags = d ? [{ ...diagnosticRange(view.state.doc.toString(), d.line, d.col), severity: 'error' as const, message: d.message, source: 'SMM-C' }] : [];
    view.dispatch(setDiagnostics(view.state, diags));
  }, [props.diagnostic, props.docKey]);

  useEffect(() => {
    const view = viewRef.current;
    const r = props.reveal;
    if (!view || !r) return;
    const line = view.state.doc.line(Math.min(Math.max(1, r.line), view.state.doc.lines));
    view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: 'center' }) });
  }, [props.reveal?.nonce]);

  return <div ref={host} className="c-editor" data-testid="c-editor" data-doc={props.docKey} />;
}
