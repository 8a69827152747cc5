/**
 * The compare view's share of the core (core/compare): the shapes of a compare result, and the
 * folding and fold texts the CLI prints, so the page folds the same rows the same way.
 */
export type { CompareDifference, ComparePhase, CompareResult, CompareRow, CompareScope, CompareStep, Explanation, ExplainerId } from '../core/compare/CompareTypes';
export { DEFAULT_CONTEXT, type FoldItem, foldRows, type FoldWhy } from '../core/compare/Fold';
export { foldText } from '../core/compare/CompareText';
