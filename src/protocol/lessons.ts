/**
 * The Lessons panel's share of the core (core/teach): the shapes of a parsed lesson and its check
 * results, and the Markdown subset parser, so the page renders lesson text as the core reads it.
 */
export type { Check, Lesson, LessonBlock, LessonPanel, LessonQuestion, LessonStep, QuestionKind } from '../core/teach/Lesson';
export type { CheckResult } from '../core/teach/LessonCheck';
export type { StepMode } from '../core/teach/LessonRunner';
export { type MdBlock, type MdInline, parseMarkdown, parseInline, safeHref } from '../core/teach/LessonMarkdown';
