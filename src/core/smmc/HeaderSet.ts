/**
 * The headers SMM-C ships (src/core/smmc/include, embedded by scripts/gen-headers.mjs) as source
 * files the preprocessor reads for `#include <...>`, and that the editor shows read-only. Each
 * header is one SourceFile object for the whole session, so locations in it compare by identity.
 */

import { SHIPPED_HEADERS } from './ShippedHeaders';
import type { SourceFile } from './Source';

const TEXTS = new Map<string, string>(Object.entries(SHIPPED_HEADERS));
const NAMES: readonly string[] = [...TEXTS.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const FILES = new Map<string, SourceFile>();

/**
 * The shipped header an `#include <name>` names (`Library/DebugLib.h`), or null when SmiScope
 * does not ship it. Backslashes count as slashes, as edk2's Windows builds allow.
 */
export function shippedHeader(name: string): SourceFile | null {
  const path = name.replace(/\\/g, '/');
  let file = FILES.get(path);
  if (file) return file;
  const text = TEXTS.get(path);
  if (text === undefined) return null;
  file = Object.freeze({ name: path, text, shipped: true });
  FILES.set(path, file);
  return file;
}

/** Every shipped header's include path, sorted (for "no such header; these exist: ..."). */
export function shippedHeaderNames(): string[] {
  return NAMES.slice();
}
