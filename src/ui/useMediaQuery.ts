import { useSyncExternalStore } from 'react';

/**
 * One MediaQueryList per query, made once: `window.matchMedia` parses the query and builds a new
 * list on every call, and React asks for the snapshot on every render of the panel using it (the
 * Explain panel renders on every step).
 */
const lists = new Map<string, MediaQueryList>();

function listOf(query: string): MediaQueryList {
  let mq = lists.get(query);
  if (!mq) lists.set(query, (mq = window.matchMedia(query)));
  return mq;
}

/** Whether a CSS media query matches now; re-renders when it starts or stops matching. */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const mq = listOf(query);
      mq.addEventListener('change', onChange);
      return () => mq.removeEventListener('change', onChange);
    },
    () => listOf(query).matches,
  );
}
