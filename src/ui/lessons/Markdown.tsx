/**
 * Lesson text as React elements: the Markdown subset the core parses (core/teach/LessonMarkdown,
 * through src/protocol/lessons). Text is always text: no HTML of a lesson's is ever inserted.
 */
import { Fragment, type ReactNode } from 'react';
import { type MdBlock, type MdInline, parseInline, parseMarkdown } from '../../protocol/lessons';

function inline(nodes: MdInline[]): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.kind) {
      case 'text':
        return <Fragment key={i}>{n.text}</Fragment>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'bold':
        return <strong key={i}>{inline(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(n.children)}</em>;
      case 'link':
        return n.href.startsWith('#') ? (
          <a key={i} href={n.href}>
            {inline(n.children)}
          </a>
        ) : (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inline(n.children)}
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

/** One line of inline Markdown (a prompt, a choice, a hint). */
export function InlineMd({ text }: { text: string }) {
  return <>{inline(parseInline(text))}</>;
}
