/**
 * Glossary terms in lesson text and in the Explain panel's sentences (issue 9 §3): plain text runs
 * mark their terms (teach/Glossed), code spans, code blocks, link texts and choice buttons do not.
 * Rendered to static markup in Node (no DOM needed).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ExplainText } from '../panels/ExplainPanel';
import { InlineMd, Markdown } from './Markdown';

/** The glossary ids marked in some markup, in order. */
const marked = (html: string) => [...html.matchAll(/data-gloss="([^"]+)"/g)].map((m) => m[1]);
/** The markup of every <code> element. */
const codes = (html: string) => [...html.matchAll(/<code>(.*?)<\/code>/g)].map((m) => m[1]);

describe('glossary terms in lesson text', () => {
  it('issue 9 §3: paragraphs, list items and bold text mark their terms; code spans do not', () => {
    const html = renderToStaticMarkup(createElement(Markdown, { text: 'An SMI enters SMM. `SMRAM` stays code.\n\n- the **SMBASE** of a CPU\n- TSEG holds SMRAM' }));
    const ids = marked(html);
    expect(ids).toContain('smi');
    expect(ids).toContain('smm');
    expect(ids).toContain('smbase');
    expect(ids).toContain('tseg');
    expect(html).toMatch(/<strong><span[^>]*data-gloss="smbase"[^>]*>SMBASE<\/span><\/strong>/);
    expect(codes(html)).toEqual(['SMRAM']); // nothing inside the code span
    // The text reads as written.
    expect(html.replace(/<[^>]+>/g, '')).toBe('An SMI enters SMM. SMRAM stays code.the SMBASE of a CPUTSEG holds SMRAM');
  });

  it('issue 9 §3: link texts are not marked (a term button inside a link); a choice is not either', () => {
    expect(marked(renderToStaticMarkup(createElement(Markdown, { text: 'See [the SMI page](https://example.org/smi).' })))).toEqual([]);
    expect(marked(renderToStaticMarkup(createElement(InlineMd, { text: 'CPU 0 is the SMM BSP', gloss: false })))).toEqual([]);
    expect(marked(renderToStaticMarkup(createElement(InlineMd, { text: 'Which CPU is the SMM BSP after the SMI?' })))).toContain('smi');
  });

  it('issue 9 §3: the Explain panel marks the words of a sentence, not its `code` parts', () => {
    const x = { title: 'SMI', sentences: ['The OS writes `SMI` to port 0xB2, and every CPU enters SMM.'], source: null, look: [] };
    const html = renderToStaticMarkup(createElement(ExplainText, { x: x as unknown as Parameters<typeof ExplainText>[0]['x'] }));
    expect(marked(html)).toContain('smm');
    expect(codes(html)).toEqual(['SMI']);
    expect(html).toContain('The OS writes <code>SMI</code> to port ');
    expect(html.replace(/<[^>]+>/g, '')).toBe('SMIThe OS writes SMI to port 0xB2, and every CPU enters SMM.');
  });
});
