import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { createPortal } from 'react-dom';
import { appStore, useApp } from '../store/store';
import { GLOSSARY_BY_ID } from './glossary';
import { segmentText } from './glossaryMatch';
import { closeTip, hoverTerm, keepTip, leaveTerm, openGlossary, pinTerm, showTermInTip, termAnchors } from './teachActions';

let nextAnchor = 1;

/**
 * One glossary term in a text: dotted underline; hover or focus shows its definition, a click or
 * Enter pins it (with see-also links and a link to the glossary page), Escape closes it.
 */
export const GlossTerm = memo(function GlossTerm({ id, text }: { id: string; text: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  const [anchor] = useState(() => nextAnchor++);
  useEffect(() => {
    const el = ref.current;
    if (el) termAnchors.set(anchor, el);
    return () => {
      termAnchors.delete(anchor);
    };
  }, [anchor]);
  const pin = (e: MouseEvent | KeyboardEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (ref.current) pinTerm(id, ref.current, anchor);
  };
  return (
    <span
      ref={ref}
      className="gloss-term"
      data-gloss={id}
      tabIndex={0}
      role="button"
      aria-haspopup="dialog"
      onMouseEnter={() => ref.current && hoverTerm(id, ref.current, anchor)}
      onMouseLeave={leaveTerm}
      onFocus={() => ref.current && hoverTerm(id, ref.current, anchor, 0)}
      onBlur={(e) => {
        // Focus moving into the popover (its links) keeps it.
        if (!(e.relatedTarget instanceof Node && document.querySelector('.gloss-pop')?.contains(e.relatedTarget))) leaveTerm();
      }}
      onClick={pin}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') pin(e);
        else if (e.key === 'Escape') {
          e.stopPropagation();
          closeTip();
        }
      }}
    >
      {text}
    </span>
  );
});

/**
 * A text with its glossary terms marked (the first mention of each; `all` marks every one).
 * Cheap: the segments of a text are remembered, and a text without terms is the text itself.
 */
export const Glossed = memo(function Glossed({ text, all = false }: { text: string; all?: boolean }) {
  const segs = segmentText(text, !all);
  if (segs.length === 1 && typeof segs[0] === 'string') return <>{text}</>;
  return <>{segs.map((s, i) => (typeof s === 'string' ? s : <GlossTerm key={i} id={s.id} text={s.text} />))}</>;
});

/** The popover's width when not yet measured (CSS: max-width 380 px, 520 px in presentation mode). */
const POP_W = 380;

/** The one popover of the page (a portal on body: panels clip what they contain). */
export function GlossPopover() {
  const tip = useApp((s) => s.glossTip);
  const ref = useRef<HTMLDivElement>(null);
  const [pos, setPos] = useState<{ left: number; top: number } | null>(null);
  const term = tip ? GLOSSARY_BY_ID.get(tip.id) : undefined;
  useLayoutEffect(() => {
    if (!tip || !ref.current) return;
    const h = ref.current.offsetHeight;
    const w = ref.current.offsetWidth || POP_W;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const left = Math.max(6, Math.min(tip.rect.left, vw - w - 6));
    const below = tip.rect.bottom + 6;
    const top = below + h <= vh - 6 ? below : Math.max(6, tip.rect.top - h - 6);
    setPos({ left, top });
  }, [tip]);
  // A pinned popover closes on a click elsewhere; moving focus into it lets Tab reach its links.
  useEffect(() => {
    if (!tip?.pinned) return;
    const onDown = (e: globalThis.MouseEvent) => {
      const t = e.target as HTMLElement | null;
      if (ref.current?.contains(t) || t?.closest?.('.gloss-term')) return;
      closeTip();
    };
    document.addEventListener('mousedown', onDown, true);
    return () => document.removeEventListener('mousedown', onDown, true);
  }, [tip?.pinned]);
  // Pinned (a click, Enter): the keyboard goes to the popover, so Tab reaches its links.
  useEffect(() => {
    if (tip?.pinned) ref.current?.querySelector<HTMLElement>('button, a')?.focus({ preventScroll: true });
  }, [tip?.pinned, tip?.id]);
  if (!tip || !term) return null;
  return createPortal(
    <div
      ref={ref}
      className={`gloss-pop${tip.pinned ? ' pinned' : ''}`}
      role={tip.pinned ? 'dialog' : 'tooltip'}
      aria-label={`${term.term}: definition`}
      data-testid="gloss-popover"
      data-term={term.id}
      style={{ left: pos?.left ?? -9999, top: pos?.top ?? -9999 }}
      onMouseEnter={keepTip}
      onMouseLeave={leaveTerm}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          closeTip(true);
        }
      }}
    >
      <div className="gloss-pop-head">
        <b>{term.term}</b>
        {term.aliases.length > 0 && <span className="muted"> · also {term.aliases.slice(0, 3).join(', ')}</span>}
      </div>
      <p className="gloss-pop-def">{term.def}</p>
      {term.source && <p className="gloss-pop-src">source: {term.source}</p>}
      {tip.pinned ? (
        <div className="gloss-pop-links">
          {term.see.length > 0 && <span className="muted">see also </span>}
          {term.see.map((s) => (
            <button key={s} type="button" className="link-button" onClick={() => showTermInTip(s)}>
              {GLOSSARY_BY_ID.get(s)?.term ?? s}
            </button>
          ))}
          <a
            className="gloss-pop-page"
            href={`#glossary=${term.id}`}
            data-testid="gloss-popover-page"
            onClick={(e) => {
              e.preventDefault();
              openGlossary(term.id);
            }}
          >
            glossary →
          </a>
        </div>
      ) : (
        <div className="gloss-pop-hint muted">click or Enter: pin, with links · Esc: close</div>
      )}
    </div>,
    document.body,
  );
}

/** Keeps a pinned popover where its term is when the page scrolls or resizes (closes it when the term is gone). */
export function useTipFollow(): void {
  useEffect(() => {
    const update = () => {
      const tip = appStore.getState().glossTip;
      if (!tip) return;
      const el = termAnchors.get(tip.anchor);
      if (!el || !el.isConnected) return closeTip();
      const r = el.getBoundingClientRect();
      appStore.setState({ glossTip: { ...tip, rect: { left: r.left, top: r.top, bottom: r.bottom, right: r.right } } });
    };
    window.addEventListener('resize', update);
    return () => window.removeEventListener('resize', update);
  }, []);
}
