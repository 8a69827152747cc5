/**
 * The CodeMirror 6 side of the Source panel: the dark theme and C highlighting, the debugger's
 * marks (breakpoints in a gutter of their own, the paused line, a hung CPU's line), clickable
 * `#include` paths, value tooltips for the locals, and the load key. The marks are state set from
 * outside (the ViewSnapshot) with one effect; the callbacks go through `EditorHooks`, read at the
 * time of the event, so the extensions are made once per editor.
 */

import { cpp } from '@codemirror/lang-cpp';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { lintGutter } from '@codemirror/lint';
import { EditorState, type Extension, Prec, RangeSet, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  gutter,
  GutterMarker,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  lineNumbers,
  MatchDecorator,
  ViewPlugin,
  type ViewUpdate,
} from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import type { CVarView } from '../../protocol/messages';
import { includeAt } from './editorFiles';

/** What the debugger marks in the file shown (1-based lines). */
export interface DebugMarks {
  breakpoints: number[];
  /** The line C is paused at, and who is paused there ("CPU 0, RootHandler"). */
  stop: { line: number; title: string } | null;
  /** A CPU stuck at this line (endless loop, fault, ASSERT). */
  hung: { line: number; title: string } | null;
}

export const NO_MARKS: DebugMarks = { breakpoints: [], stop: null, hung: null };

/** What the editor asks of the page; read when the event happens. */
export interface EditorHooks {
  gutterClick(line: number): void;
  openInclude(path: string, system: boolean): void;
  load(): void;
  /** The locals of the paused frame (for hover), when the shown file is the paused one. */
  locals(): readonly CVarView[];
}

export const setMarks = StateEffect.define<DebugMarks>();

const marksField = StateField.define<DebugMarks>({
  create: () => NO_MARKS,
  update(v, tr) {
    for (const e of tr.effects) if (e.is(setMarks)) v = e.value;
    return v;
  },
});

const stopLine = Decoration.line({ class: 'cm-stop-line' });
const hungLine = Decoration.line({ class: 'cm-hung-line' });

/** Line decorations for the paused and the hung line (rebuilt when the marks or the text change). */
const lineMarks = EditorView.decorations.compute([marksField, 'doc'], (state) => {
  const m = state.field(marksField);
  const out = [];
  const at = (line: number) => state.doc.line(Math.min(Math.max(1, line), state.doc.lines)).from;
  if (m.hung) out.push(hungLine.range(at(m.hung.line)));
  if (m.stop && m.stop.line !== m.hung?.line) out.push(stopLine.range(at(m.stop.line)));
  return Decoration.set(out.sort((a, b) => a.from - b.from));
});

class BpMarker extends GutterMarker {
  constructor(
    readonly kind: 'bp' | 'stop' | 'bp-stop' | 'hung' | 'spacer',
    readonly title: string,
  ) {
    super();
  }
  eq(o: BpMarker): boolean {
    return o.kind === this.kind && o.title === this.title;
  }
  toDOM(): Node {
    const el = document.createElement('span');
    el.className = `cm-bp-marker cm-bp-${this.kind}`;
    el.textContent = this.kind === 'hung' ? '■' : this.kind === 'bp' || this.kind === 'spacer' ? '●' : '▶';
    el.title = this.title;
    return el;
  }
}

/** The breakpoint gutter: ● a breakpoint, ▶ the paused line, ■ a hung CPU; a click sets or deletes a breakpoint. */
function breakpointGutter(hooks: EditorHooks, readOnly: boolean): Extension {
  return gutter({
    class: 'cm-bp-gutter',
    markers: (view) => {
      const m = view.state.field(marksField);
      const doc = view.state.doc;
      const byLine = new Map<number, BpMarker>();
      for (const l of m.breakpoints) if (l >= 1 && l <= doc.lines) byLine.set(l, new BpMarker('bp', `breakpoint at line ${l}: click to delete it`));
      if (m.stop && m.stop.line <= doc.lines) byLine.set(m.stop.line, new BpMarker(byLine.has(m.stop.line) ? 'bp-stop' : 'stop', m.stop.title));
      if (m.hung && m.hung.line <= doc.lines) byLine.set(m.hung.line, new BpMarker('hung', m.hung.title));
      const ranges = [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([l, mk]) => mk.range(doc.line(l).from));
      return RangeSet.of(ranges);
    },
    lineMarkerChange: (u: ViewUpdate) => u.transactions.some((tr) => tr.effects.some((e) => e.is(setMarks))),
    initialSpacer: () => new BpMarker('spacer', ''),
    domEventHandlers: {
      mousedown(view, line) {
        if (readOnly) return false;
        hooks.gutterClick(view.state.doc.lineAt(line.from).number);
        return true;
      },
    },
  });
}

/** `#include <X>` / `"X"` paths look like links; Ctrl/⌘+click (a plain click in a read-only header) opens them. */
function includeLinks(hooks: EditorHooks, readOnly: boolean): Extension {
  const deco = new MatchDecorator({
    regexp: /^[ \t]*#[ \t]*include[ \t]*([<"][^>"\n]+[>"])/gm,
    decorate: (add, from, _to, match) => {
      const start = from + match[0].length - match[1].length;
      add(start, start + match[1].length, Decoration.mark({ class: 'cm-include', attributes: { title: 'Ctrl+click (⌘+click) opens this header' } }));
    },
  });
  const plugin = ViewPlugin.fromClass(
    class {
      decorations: DecorationSet;
      constructor(view: EditorView) {
        this.decorations = deco.createDeco(view);
      }
      update(u: ViewUpdate) {
        this.decorations = deco.updateDeco(u, this.decorations);
      }
    },
    { decorations: (v) => v.decorations },
  );
  const click = EditorView.domEventHandlers({
    mousedown(e, view) {
      if (e.button !== 0 || !(e.ctrlKey || e.metaKey || readOnly)) return false;
      const pos = view.posAtCoords({ x: e.clientX, y: e.clientY });
      if (pos === null) return false;
      const line = view.state.doc.lineAt(pos);
      const inc = includeAt(line.text, pos - line.from);
      if (!inc) return false;
      e.preventDefault();
      hooks.openInclude(inc.path, inc.system);
      return true;
    },
  });
  return [plugin, click];
}

/** Hovering a local's name while paused shows its type, address and value. */
function localHover(hooks: EditorHooks): Extension {
  return hoverTooltip((view, pos) => {
    const vars = hooks.locals();
    if (vars.length === 0) return null;
    const word = view.state.wordAt(pos);
    if (!word) return null;
    const name = view.state.sliceDoc(word.from, word.to);
    const v = vars.find((x) => x.name === name);
    if (!v) return null;
    return {
      pos: word.from,
      end: word.to,
      above: true,
      create: () => {
        const dom = document.createElement('div');
        dom.className = 'cm-value-tip';
        dom.textContent = `${v.type} ${v.name} = ${v.value}   @0x${v.address.toString(16).toUpperCase()}`;
        return { dom };
      },
    };
  });
}

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.modifier], color: '#c792ea' },
  { tag: [t.typeName, t.standard(t.typeName)], color: '#7dd3fc' },
  { tag: [t.definition(t.variableName), t.function(t.variableName), t.function(t.definition(t.variableName))], color: '#fde68a' },
  { tag: [t.number, t.bool, t.null], color: '#fdba74' },
  { tag: [t.string, t.character, t.special(t.string)], color: '#86efac' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: '#7c8aa3', fontStyle: 'italic' },
  { tag: [t.processingInstruction, t.macroName], color: '#f472b6' },
  { tag: [t.operator, t.punctuation, t.bracket], color: '#cbd5e1' },
  { tag: t.propertyName, color: '#a5b4fc' },
]);

const theme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: '#0a111d', color: '#d8e0ec', fontSize: '13px' },
    '.cm-scroller': { fontFamily: "'DejaVu Sans Mono', 'Liberation Mono', ui-monospace, monospace", lineHeight: '1.45' },
    '.cm-content': { caretColor: '#38bdf8' },
    '.cm-gutters': { backgroundColor: '#0c1320', color: '#6b788e', borderRight: '1px solid #1f2a3d' },
    '.cm-activeLine': { backgroundColor: 'rgba(56, 189, 248, 0.05)' },
    '.cm-activeLineGutter': { backgroundColor: 'rgba(56, 189, 248, 0.08)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'rgba(56, 189, 248, 0.28) !important' },
    '.cm-cursor': { borderLeftColor: '#38bdf8' },
    '.cm-tooltip': { backgroundColor: '#111a2b', color: '#d8e0ec', border: '1px solid #2b3950' },
  },
  { dark: true },
);

/** Everything the Source editor uses, for one buffer (`readOnly` for the shipped headers). */
export function editorExtensions(hooks: EditorHooks, readOnly: boolean): Extension[] {
  const loadKey = { run: () => (hooks.load(), true), preventDefault: true };
  return [
    Prec.highest(keymap.of([{ key: 'Mod-Enter', ...loadKey }, { key: 'Mod-s', ...loadKey }])),
    marksField,
    lineMarks,
    breakpointGutter(hooks, readOnly),
    lineNumbers(),
    lintGutter(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
    cpp(),
    syntaxHighlighting(highlight),
    theme,
    includeLinks(hooks, readOnly),
    localHover(hooks),
    EditorView.editable.of(!readOnly),
    EditorState.readOnly.of(readOnly),
    EditorView.contentAttributes.of({ 'aria-label': readOnly ? 'shipped header (read-only)' : 'SMM-C source' }),
  ];
}
