import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useApp } from '../store/store';
import { GLOSSARY_BY_ID, glossarySorted, type GlossaryTerm } from './glossary';
import { closeGlossary, openGlossary } from './teachActions';

const SORTED = glossarySorted();

/** The first letter a term is listed under (digits and symbols under #). */
function letterOf(t: GlossaryTerm): string {
  const c = t.term[0].toUpperCase();
  return c >= 'A' && c <= 'Z' ? c : '#';
}
const LETTERS = [...new Set(SORTED.map(letterOf))];

function matches(t: GlossaryTerm, q: string): boolean {
  if (!q) return true;
  const n = q.toLowerCase();
  return t.term.toLowerCase().includes(n) || t.aliases.some((a) => a.toLowerCase().includes(n)) || t.def.toLowerCase().includes(n);
}

/** Name hits first, then definition hits, each A-Z. */
function search(q: string): GlossaryTerm[] {
  const n = q.trim().toLowerCase();
  if (!n) return SORTED;
  const named = (t: GlossaryTerm) => t.term.toLowerCase().includes(n) || t.aliases.some((a) => a.toLowerCase().includes(n));
  const hits = SORTED.filter((t) => matches(t, n));
  return [...hits.filter(named), ...hits.filter((t) => !named(t))];
}

/**
 * The glossary page: every term A-Z with its definition, aliases, source and see-also links;
 * search over names, aliases and definitions. Opened from the top bar, the keys overlay, a pinned
 * term's "glossary →", or a `#glossary=TERM` link.
 */
export function GlossaryDialog() {
  const open = useApp((s) => s.glossaryOpen);
  const at = useApp((s) => s.glossaryTerm);
  const [q, setQ] = useState('');
  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => search(q), [q]);
  useEffect(() => {
    if (open) {
      setQ('');
      inputRef.current?.focus();
    }
  }, [open]);
  // The term asked for: in view and outlined (a see-also link clears the search so it is listed).
  useLayoutEffect(() => {
    if (!open || !at) return;
    const el = listRef.current?.querySelector<HTMLElement>(`[data-term="${at}"]`);
    el?.scrollIntoView({ block: 'start' });
  }, [open, at, shown]);
  if (!open) return null;
  const follow = (id: string) => {
    setQ('');
    openGlossary(id);
  };
  return (
    <div className="keys-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeGlossary()}>
      <div
        className="glossary-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Glossary"
        data-testid="glossary-dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            closeGlossary();
          }
        }}
      >
        <header>
          <h2>Glossary</h2>
          <input
            ref={inputRef}
            type="search"
            className="glossary-search"
            data-testid="glossary-search"
            placeholder={`search ${SORTED.length} terms (name, alias, definition)`}
            aria-label="Search the glossary"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <span className="muted glossary-count">{shown.length === SORTED.length ? `${SORTED.length} terms` : `${shown.length} of ${SORTED.length}`}</span>
          <button type="button" className="btn btn-small" onClick={closeGlossary}>
            Close <kbd>Esc</kbd>
          </button>
        </header>
        {!q && (
          <nav className="glossary-letters" aria-label="Jump to a letter">
            {LETTERS.map((l) => (
              <button
                key={l}
                type="button"
                className="link-button"
                onClick={() => listRef.current?.querySelector<HTMLElement>(`[data-letter="${l}"]`)?.scrollIntoView({ block: 'start' })}
              >
                {l}
              </button>
            ))}
          </nav>
        )}
        <div className="glossary-list scroll" ref={listRef}>
          {shown.length === 0 && <p className="muted">no term matches “{q}”</p>}
          {shown.map((t, i) => (
            <article
              key={t.id}
              className={`glossary-entry${t.id === at ? ' current' : ''}`}
              data-term={t.id}
              data-testid={`glossary-entry-${t.id}`}
              data-letter={!q && (i === 0 || letterOf(shown[i - 1]) !== letterOf(t)) ? letterOf(t) : undefined}
            >
              <h3>
                {t.term}
                {t.aliases.length > 0 && <span className="glossary-aliases"> also: {t.aliases.join(', ')}</span>}
              </h3>
              <p>{t.def}</p>
              <p className="glossary-meta">
                {t.source && <span className="muted">source: {t.source}</span>}
                {t.see.length > 0 && (
                  <span className="glossary-see">
                    see also:{' '}
                    {t.see.map((s) => (
                      <a
                        key={s}
                        href={`#glossary=${s}`}
                        data-testid={`glossary-see-${s}`}
                        onClick={(e) => {
                          e.preventDefault();
                          follow(s);
                        }}
                      >
                        {GLOSSARY_BY_ID.get(s)?.term ?? s}
                      </a>
                    ))}
                  </span>
                )}
              </p>
            </article>
          ))}
        </div>
      </div>
    </div>
  );
}
