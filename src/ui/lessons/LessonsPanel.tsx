/**
 * The Lessons panel (README "Lessons"): a column at the right of the page, beside the debugger.
 * Without a lesson it lists them (title, summary, level, minutes, progress) and loads a teacher's
 * file or URL; in a lesson it shows the step (its text, console blocks, question), Back / Next,
 * Restart and Leave.
 */
import { type DragEvent, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Lesson, LessonQuestion, LessonStep } from '../../protocol/lessons';
import { useApp } from '../store/store';
import type { LessonProgress } from '../store/lessonsSlice';
import { applyOpenBlocks, checkAnswer, goToStep, leaveLesson, loadLessonText, loadLessonUrl, openLesson, restartLesson, runLessonBlock, setLessonsOpen, showAnswer } from './lessonActions';
import { InlineMd, Markdown } from './Markdown';

const questionsOf = (l: Lesson) => l.steps.filter((s) => s.blocks.some((b) => b.kind === 'question')).length;

function progressText(l: Lesson, p: LessonProgress | undefined): string {
  const q = questionsOf(l);
  const seen = p?.seen.filter((n) => n < l.steps.length).length ?? 0;
  const right = p ? Object.keys(p.right).filter((n) => Number(n) < l.steps.length).length : 0;
  return `${seen}/${l.steps.length} steps${q ? ` · ${right}/${q} answered` : ''}`;
}

export function LessonsButton() {
  const open = useApp((s) => s.lessonsOpen);
  return (
    <button
      type="button"
      className={`btn btn-small btn-lessons${open ? ' on' : ''}`}
      aria-pressed={open}
      data-testid="lessons-button"
      title={open ? 'Hide the Lessons panel (the lesson goes on; open it again to see the step)' : 'Guided lessons: each step drives the debugger, explains, and asks you to predict or do something'}
      onClick={() => setLessonsOpen(!open)}
    >
      Lessons
    </button>
  );
}

function LoadLesson() {
  const { pending, errors, note } = useApp(useShallow((s) => ({ pending: s.lessonLoadPending, errors: s.lessonLoadErrors, note: s.lessonLoadNote })));
  const fileRef = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');
  return (
    <div className="lesson-load" data-testid="lesson-load">
      <div className="lesson-load-row">
        <button type="button" className="btn btn-small" data-testid="lesson-load-file" onClick={() => fileRef.current?.click()} title="A lesson file (.md) of your own: the format is in the README (Lessons). You can also drop the file on this panel.">
          Load lesson…
        </button>
        <input
          className="lesson-url"
          data-testid="lesson-url"
          placeholder="or a lesson's URL (https://…/lesson.md)"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void loadLessonUrl(url);
          }}
        />
        <button type="button" className="btn btn-small" data-testid="lesson-url-load" disabled={!url.trim()} onClick={() => void loadLessonUrl(url)}>
          Load
        </button>
        <input
          ref={fileRef}
          type="file"
          accept=".md,.markdown,text/markdown,text/plain"
          hidden
          data-testid="lesson-file-input"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) loadLessonText(await f.text(), f.name);
          }}
        />
      </div>
      {pending !== null && <div className="muted">reading the lesson…</div>}
      {note && (
        <div className="lesson-load-note" data-testid="lesson-load-note">
          {note}: it is in the list below.
        </div>
      )}
      {errors.length > 0 && (
        <div className="lesson-load-errors" data-testid="lesson-load-errors" role="alert">
          <div className="lesson-load-errors-head">This lesson file was not loaded (nothing changed):</div>
          <ul>
            {errors.map((e, i) => (
              <li key={i} className="mono">
                {e}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function LessonList({ onResume }: { onResume: () => void }) {
  const { lessons, progress, at, shippedErrors } = useApp(useShallow((s) => ({ lessons: s.lessons, progress: s.lessonProgress, at: s.lessonAt, shippedErrors: s.lessonsShippedErrors })));
  return (
    <div className="lesson-list" data-testid="lesson-list">
      <LoadLesson />
      {shippedErrors.length > 0 && (
        <div className="lesson-load-errors">
          {shippedErrors.map((e, i) => (
            <div key={i} className="mono">
              {e}
            </div>
          ))}
        </div>
      )}
      {lessons.length === 0 && <div className="muted">loading the lessons…</div>}
      {lessons.map((l) => {
        const p = progress[l.id];
        const started = !!p && p.seen.length > 0;
        const current = at?.id === l.id;
        return (
          <article key={l.id} className={`lesson-item${current ? ' current' : ''}`} data-testid={`lesson-item-${l.id}`}>
            <h3>{l.title}</h3>
            <p className="lesson-summary">{l.summary}</p>
            <div className="lesson-meta">
              {[l.level, l.minutes ? `${l.minutes} min` : null, `${l.steps.length} steps`].filter(Boolean).join(' · ')}
              {started && (
                <span className="lesson-progress" data-testid={`lesson-progress-${l.id}`}>
                  {' '}
                  · {progressText(l, p)}
                </span>
              )}
            </div>
            <div className="lesson-item-buttons">
              {current ? (
                <button type="button" className="btn btn-small btn-primary" data-testid={`lesson-continue-${l.id}`} onClick={onResume}>
                  Back to step {at.step + 1}
                </button>
              ) : started ? (
                <button type="button" className="btn btn-small btn-primary" data-testid={`lesson-continue-${l.id}`} title="Replays the lesson up to the step you were at" onClick={() => openLesson(l.id, Math.min(p.last, l.steps.length - 1), 'replay')}>
                  Continue at step {Math.min(p.last, l.steps.length - 1) + 1}
                </button>
              ) : (
                <button type="button" className="btn btn-small btn-primary" data-testid={`lesson-start-${l.id}`} onClick={() => openLesson(l.id, 0, 'replay')}>
                  Start
                </button>
              )}
              {started && !current && (
                <button type="button" className="btn btn-small" data-testid={`lesson-restart-${l.id}`} onClick={() => restartLesson(l.id)}>
                  Restart
                </button>
              )}
            </div>
          </article>
        );
      })}
    </div>
  );
}

function Question({ q, lessonId, step }: { q: LessonQuestion; lessonId: string; step: number }) {
  const { check, pending, right } = useApp(
    useShallow((s) => ({ check: s.lessonCheck && s.lessonCheck.lesson === lessonId && s.lessonCheck.step === step ? s.lessonCheck : null, pending: s.lessonCheckPending !== null, right: s.lessonProgress[lessonId]?.right[step] })),
  );
  const [value, setValue] = useState('');
  const answered = check?.ok === true;
  const shown = check?.shown === true;
  const wrong = check && !check.ok && !check.shown;
  return (
    <section className={`lesson-question${answered ? ' right' : wrong ? ' wrong' : ''}`} data-testid="lesson-question" data-kind={q.kind}>
      <div className="lesson-question-head">{q.kind === 'do' ? 'Your turn' : q.kind === 'choice' ? 'Predict' : 'Your answer'}</div>
      <div className="lesson-prompt" data-testid="lesson-prompt">
        <InlineMd text={q.prompt} />
      </div>
      {q.kind === 'choice' && (
        <div className="lesson-choices">
          {q.choices.map((c, k) => (
            <button
              key={k}
              type="button"
              className={`btn lesson-choice${check?.answer === c ? (check.ok ? ' chosen-right' : ' chosen-wrong') : ''}`}
              data-testid={`lesson-choice-${k}`}
              disabled={pending}
              onClick={() => checkAnswer(c)}
            >
              <InlineMd text={c} gloss={false} />
            </button>
          ))}
        </div>
      )}
      {q.kind === 'value' && (
        <form
          className="lesson-value"
          onSubmit={(e) => {
            e.preventDefault();
            if (value.trim()) checkAnswer(value.trim());
          }}
        >
          <input className="mono" data-testid="lesson-answer-input" value={value} placeholder="a value: 0x.. or decimal" onChange={(e) => setValue(e.target.value)} aria-label="Your answer" />
          <button type="submit" className="btn btn-small btn-primary" data-testid="lesson-check" disabled={pending || !value.trim()}>
            Check
          </button>
        </form>
      )}
      <div className="lesson-question-buttons">
        {q.kind === 'do' && (
          <button type="button" className="btn btn-small btn-primary" data-testid="lesson-check" disabled={pending} onClick={() => checkAnswer(null)} title="Checks the machine as it is now">
            Check
          </button>
        )}
        {!answered && (
          <button type="button" className="btn btn-small" data-testid="lesson-show-answer" onClick={showAnswer}>
            Show answer
          </button>
        )}
        {right !== undefined && !check && <span className="lesson-done">answered before ✓</span>}
      </div>
      {wrong && (
        <div className="lesson-result wrong" data-testid="lesson-result" data-ok="false" role="status">
          {check.error ? (
            check.error
          ) : (
            <>
              <strong>Not quite{check.answer ? ` — ${check.answer}` : ''}.</strong>
              {q.hint && (
                <div className="lesson-hint" data-testid="lesson-hint">
                  Hint: <InlineMd text={q.hint} />
                </div>
              )}
              {q.kind === 'do' && (
                <ul className="lesson-failed">
                  {check.results
                    .filter((r) => !r.ok)
                    .map((r, i) => (
                      <li key={i}>
                        <code>{r.check}</code>: {r.detail}
                      </li>
                    ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
      {answered && (
        <div className="lesson-result right" data-testid="lesson-result" data-ok="true" role="status">
          <strong>Right{check.answer ? ` — ${check.answer}` : ''}.</strong>
        </div>
      )}
      {(answered || shown) && (
        <div className="lesson-reveal" data-testid="lesson-reveal">
          {shown && <strong>Answer: </strong>}
          <InlineMd text={q.reveal} />
        </div>
      )}
    </section>
  );
}

function StepView({ lesson, step, n }: { lesson: Lesson; step: LessonStep; n: number }) {
  return (
    <div className="lesson-step" data-testid="lesson-step" data-step={n + 1}>
      {n === 0 && lesson.intro && <Markdown text={lesson.intro} className="lesson-intro" />}
      {step.blocks.map((b, i) => {
        switch (b.kind) {
          case 'text':
            return <Markdown key={i} text={b.markdown} className="lesson-text" />;
          case 'console':
            return (
              <div key={i} className="lesson-console" data-testid={`lesson-console-${i}`}>
                <div className="lesson-console-head">
                  <span>{b.run === 'button' ? 'console: press Run' : 'console: ran on entering the step'}</span>
                  <button type="button" className="btn btn-small" data-testid={`lesson-run-${i}`} onClick={() => runLessonBlock(i)} title="Runs these lines in the terminal">
                    {b.run === 'button' ? 'Run' : 'Run again'}
                  </button>
                </div>
                <pre className="mono">{b.lines.join('\n')}</pre>
              </div>
            );
          case 'code':
            return (
              <pre key={i} className="lesson-code mono">
                {b.text}
              </pre>
            );
          case 'open':
            return (
              <button key={i} type="button" className="btn btn-small lesson-open" onClick={() => applyOpenBlocks({ ...step, blocks: [b] })} title="Shows it again">
                look: {b.sample ? `${b.sample} in the editor` : b.panel ? `${b.panel} panel` : ''}
                {b.cpu !== null ? ` · CPU ${b.cpu}` : ''}
              </button>
            );
          case 'question':
            return <Question key={i} q={b.question} lessonId={lesson.id} step={n} />;
          default: {
            const never: never = b;
            return String(never);
          }
        }
      })}
    </div>
  );
}

function LessonRunnerView({ lesson, n, onList }: { lesson: Lesson; n: number; onList: () => void }) {
  const { pending, error, progress, busy } = useApp(useShallow((s) => ({ pending: s.lessonPending !== null, error: s.lessonError, progress: s.lessonProgress[lesson.id], busy: s.busy })));
  const step = lesson.steps[n];
  const last = n === lesson.steps.length - 1;
  const bodyRef = useRef<HTMLDivElement>(null);
  return (
    <div className="lesson-run">
      <div className="lesson-run-head">
        <div className="lesson-title" data-testid="lesson-title">
          {lesson.title}
        </div>
        <div className="lesson-steps" role="navigation" aria-label="Steps">
          <span className="lesson-step-count" data-testid="lesson-step-count">
            Step {n + 1} of {lesson.steps.length}
          </span>
          {lesson.steps.map((s, k) => (
            <button
              key={k}
              type="button"
              className={`lesson-dot${k === n ? ' here' : ''}${progress?.seen.includes(k) ? ' seen' : ''}${progress?.right[k] !== undefined ? ' right' : ''}`}
              data-testid={`lesson-step-dot-${k + 1}`}
              title={`${k + 1}. ${s.title}${k === n ? ' (here)' : ' — replays the lesson up to it'}`}
              disabled={pending || busy}
              onClick={() => goToStep(k)}
            />
          ))}
        </div>
        <h3 className="lesson-step-title" data-testid="lesson-step-title">
          {step.title}
        </h3>
      </div>
      <div className="lesson-body" ref={bodyRef}>
        {error && (
          <div className="lesson-load-errors" data-testid="lesson-error">
            {error}
          </div>
        )}
        {pending && <div className="muted lesson-pending">running the step…</div>}
        <StepView key={`${lesson.id}:${n}`} lesson={lesson} step={step} n={n} />
      </div>
      <div className="lesson-nav">
        <button type="button" className="btn btn-small" data-testid="lesson-back" disabled={n === 0 || pending || busy} onClick={() => goToStep(n - 1)} title="The step before (the lesson is replayed from its start up to it)">
          ◂ Back
        </button>
        <button
          type="button"
          className="btn btn-small btn-primary"
          data-testid="lesson-next"
          disabled={pending || busy}
          onClick={() => {
            if (last) {
              leaveLesson();
              onList();
            } else goToStep(n + 1);
          }}
          title={last ? 'Finish: leave the lesson (the machine stays as it is)' : "The next step (runs its console lines on the machine as it is)"}
        >
          {last ? 'Finish ✓' : 'Next ▸'}
        </button>
        <span className="lesson-nav-gap" />
        <button type="button" className="btn btn-small" data-testid="lesson-restart" disabled={pending || busy} onClick={() => restartLesson(lesson.id)} title="Start this lesson again from step 1 (its platform line reboots the machine; the progress of this lesson is cleared)">
          Restart
        </button>
        <button
          type="button"
          className="btn btn-small"
          data-testid="lesson-leave"
          onClick={() => {
            leaveLesson();
            onList();
          }}
          title="Leave the lesson: the machine stays as it is"
        >
          Leave
        </button>
      </div>
    </div>
  );
}

export function LessonsPanel() {
  const { open, at, lessons } = useApp(useShallow((s) => ({ open: s.lessonsOpen, at: s.lessonAt, lessons: s.lessons })));
  const [listView, setListView] = useState(false);
  const [drag, setDrag] = useState(false);
  // A step opened from anywhere (a URL, Start, Continue) shows the lesson, not the list.
  useEffect(() => setListView(false), [at]);
  if (!open) return null;
  const lesson = at ? (lessons.find((l) => l.id === at.id) ?? null) : null;
  const showRunner = lesson && at && !listView;
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDrag(false);
    const f = e.dataTransfer.files?.[0];
    if (f) {
      setListView(true);
      loadLessonText(await f.text(), f.name);
    }
  };
  return (
    <aside
      className={`lessons-panel${drag ? ' dragging' : ''}`}
      data-testid="lessons-panel"
      aria-label="Lessons"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDrag(true);
        }
      }}
      onDragLeave={() => setDrag(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <header className="lessons-head">
        <h2>Lessons</h2>
        {showRunner ? (
          <button type="button" className="btn btn-small" data-testid="lesson-all" onClick={() => setListView(true)} title="The list of lessons, and Load lesson… (this lesson stays open)">
            All lessons
          </button>
        ) : lesson ? (
          <button type="button" className="btn btn-small" data-testid="lesson-resume" onClick={() => setListView(false)}>
            Back to the lesson
          </button>
        ) : null}
        <span className="lesson-nav-gap" />
        <button type="button" className="btn btn-small" data-testid="lessons-close" title="Hide the panel (the lesson goes on)" onClick={() => setLessonsOpen(false)}>
          ✕
        </button>
      </header>
      {showRunner ? <LessonRunnerView lesson={lesson} n={at.step} onList={() => setListView(true)} /> : <LessonList onResume={() => setListView(false)} />}
    </aside>
  );
}
