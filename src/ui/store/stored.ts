/**
 * The page's choices kept in localStorage (panel open or collapsed, presentation mode, lesson
 * progress, ...). Storage may be missing or refuse a write (private windows, a full quota): then a
 * read gives the fallback and a write is dropped, and the choice lasts until the reload.
 */

/** The stored string, or null when there is none or storage cannot be read. */
export function readStored(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Stores `value` (null removes the key). */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable or full: the choice lasts until the reload
  }
}

/** The stored JSON value, or `fallback` when there is none or it does not parse. */
export function readStoredJson<T>(key: string, fallback: T): T {
  const v = readStored(key);
  if (!v) return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

/** Stores `value` as JSON (null removes the key). */
export function writeStoredJson(key: string, value: unknown): void {
  writeStored(key, value === null ? null : JSON.stringify(value));
}
