/** The Markdown subset of lesson text (README "Lessons: the file format"): blocks, inline markup, safe links. */
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './LessonMarkdown';

describe('lesson Markdown subset', () => {
  it('lesson format: paragraphs, lists, headings and quotes', () => {
    const md = parseMarkdown('One\nline.\n\n- a\n- b\n  more\n\n1. x\n2. y\n\n### Sub\n\n> quoted');
    expect(md.map((b) => b.kind)).toEqual(['p', 'ul', 'ol', 'h', 'quote']);
    expect(md[0]).toEqual({ kind: 'p', inline: [{ kind: 'text', text: 'One line.' }] });
    expect(md[1]).toEqual({ kind: 'ul', items: [[{ kind: 'text', text: 'a' }], [{ kind: 'text', text: 'b more' }]] });
  });

  it('lesson format: bold, italic, code and links; underscores inside names are text', () => {
    expect(parseInline('**bold** and *it* and `a_b*c` and APM_CNT_PORT')).toEqual([
      { kind: 'bold', children: [{ kind: 'text', text: 'bold' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'it' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'code', text: 'a_b*c' },
      { kind: 'text', text: ' and APM_CNT_PORT' },
    ]);
    expect(parseInline('[edk2](https://github.com/tianocore/edk2)')).toEqual([{ kind: 'link', href: 'https://github.com/tianocore/edk2', children: [{ kind: 'text', text: 'edk2' }] }]);
  });

  it('lesson format: a link that is not http(s), mailto or #lesson= stays text', () => {
    expect(parseInline('[x](javascript:alert)')).toEqual([{ kind: 'text', text: 'x' }]);
    expect(parseInline('<script>')).toEqual([{ kind: 'text', text: '<script>' }]);
  });
});
