import type { ReactNode } from 'react';

export function Panel(props: {
  title: ReactNode;
  testId: string;
  area: string;
  extra?: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <section className={`panel panel-${props.area} ${props.className ?? ''}`} data-testid={props.testId}>
      <header className="panel-head">
        <h2>{props.title}</h2>
        {props.extra && <div className="panel-extra">{props.extra}</div>}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}
