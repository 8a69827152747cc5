/**
 * Text layout the UI shares with the console (core/console/Columns.ts): the terminal panel wraps
 * its own notes with the same rule the worker applies to console output and log lines.
 */
export { wrap } from '../core/console/Columns';
