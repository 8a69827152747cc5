/**
 * Lesson text as React elements: the Markdown subset the core parses (core/teach/LessonMarkdown,
 * through src/protocol/lessons). Text is always text: no HTML of a lesson's is ever inserted.
 * Plain text runs (in paragraphs, list items, headings, **bold** and *italic*) have their glossary
 * terms marked (teach/Glossed: hover or click for the definition); `code` spans, code blocks and
 * link texts (a term button inside a link would be two controls in one) stay as written.
 */
import { Fragment, type ReactNode } from 'react';
import { type MdBlock, type MdInline, parseInline, parseMarkdown } from '../../protocol/lessons';
import { Glossed } from '../teach/Glossed';

function inline(nodes: MdInline[], gloss = true): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.kind) {
      case 'text':
        return gloss ? <Glossed key={i} text={n.text} /> : <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'bold':
        return <strong key={i}>{inline(n.children, gloss)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children, gloss)}</em>;
      case 'link':
        return n.href.startsWith('#') ? (
          <a key={i} href={n.href}>
            {inline(n.children, false)}
          </a>
        ) : (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inline(n.children, false)}
          </a>
        );
      default: {
        const never: never = n;
        return String(never);
      }
    }
  });
}

function block(b: MdBlock, i: number): ReactNode {
  switch (b.kind) {
    case 'p':
      return <p key={i}>{inline(b.inline)}</p>;
    case 'h':
      return (
        <h4 key={i} className="md-h">
          {inline(b.inline)}
        </h4>
      );
    case 'quote':
      return <blockquote key={i}>{inline(b.inline)}</blockquote>;
    case 'ul':
      return (
        <ul key={i}>
          {b.items.map((it, j) => (
            <li key={j}>{inline(it)}</li>
          ))}
        </ul>
      );
    case 'ol':
      return (
        <ol key={i}>
          {b.items.map((it, j) => (
            <li key={j}>{inline(it)}</li>
          ))}
        </ol>
      );
    default: {
      const never: never = b;
      return String(never);
    }
  }
}

export function Markdown({ text, className }: { text: string; className?: string }) {
  return <div className={`md ${className ?? ''}`}>{parseMarkdown(text).map(block)}</div>;
}

/**
 * One line of inline Markdown (a prompt, a choice, a hint, a reveal). `gloss` marks its glossary
 * terms; off for a text inside a button (a choice), where a term button cannot go.
 */
export function InlineMd({ text, gloss = true }: { text: string; gloss?: boolean }) {
  return <>{inline(parseInline(text), gloss)}</>;
}
