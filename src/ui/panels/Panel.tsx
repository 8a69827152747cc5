import type { ReactNode } from 'react';
import { Glossed } from '../teach/Glossed';

export function Panel(props: {
  title: ReactNode;
  testId: string;
  area: string;
  extra?: ReactNode;
  className?: string;
  /** Receives the panel's element (e.g. to watch its size). */
  rootRef?: (el: HTMLElement | null) => void;
  children: ReactNode;
}) {
  return (
    <section ref={props.rootRef} className={`panel panel-${props.area} ${props.className ?? ''}`} data-testid={props.testId}>
      <header className="panel-head">
        {/* A plain-text title has its glossary terms marked (SMRAM, Save state, ...). */}
        <h2>
          {typeof props.title === 'string' ? (
            // One flex item (the heading lays its parts out with a gap).
            <span>
              <Glossed text={props.title} />
            </span>
          ) : (
            props.title
          )}
        </h2>
        {props.extra && <div className="panel-extra">{props.extra}</div>}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
