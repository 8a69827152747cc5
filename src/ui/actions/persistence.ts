/**
 * Sessions that survive a reload and travel as links: the worker's session file (platform +
 * console lines) is autosaved to localStorage after every change and can be put in the URL
 * (#session=<base64url>). On load, a permalink wins over the autosave. A file the worker rejects
 * is kept under another key, never silently dropped.
 */

import { useEffect } from 'react';
import { appStore, termAppend } from '../store/store';
import { newRequestId, post } from './bridge';

const AUTOSAVE_KEY = 'smiscope.session';
const REJECTED_KEY = 'smiscope.session.rejected';
const HASH_PREFIX = '#session=';

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

/** Ask the worker for the session file; resolves with its JSON text. */
function requestSessionText(): Promise<string> {
  const id = newRequestId();
  return new Promise((resolve) => {
    const unsub = appStore.subscribe((s) => {
      if (s.sessionFile?.id !== id) return;
      unsub();
      resolve(s.sessionFile.text);
    });
    post({ type: 'session-export', id });
  });
}

export async function copyPermalink(): Promise<string> {
  const text = await requestSessionText();
  const url = `${location.origin}${location.pathname}${HASH_PREFIX}${toBase64Url(text)}`;
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    termAppend('info', ['permalink copied to the clipboard (and put in the address bar)']);
  } catch {
    termAppend('info', ['permalink is in the address bar (clipboard not available here)']);
  }
  return url;
}

/**
 * Replays the session of the link (#session=...) or of the autosave, if there is one. Called
 * before the worker's hello, so the default machine's boot is never printed: the terminal shows
 * the replayed session (its boot log, each command and its output) and where it stands.
 */
export function restoreSavedSession(): void {
  let text: string | null = null;
  let source = '';
  if (location.hash.startsWith(HASH_PREFIX)) {
    try {
      text = fromBase64Url(location.hash.slice(HASH_PREFIX.length));
      source = 'the link';
    } catch {
      termAppend('error', ['the #session= part of this link is not valid base64url: starting a fresh session']);
    }
  }
  if (text === null) {
    try {
      text = localStorage.getItem(AUTOSAVE_KEY);
    } catch {
      text = null;
    }
    source = 'the autosave';
  }
  if (text === null) return;
  const file = text;
  termAppend('info', [`restoring the session from ${source}: replaying it…`]);
  const id = newRequestId();
  const from = appStore.getState().termNextId;
  const unsub = appStore.subscribe((s) => {
    const reply = s.termEntries.find((e) => e.id >= from && (e.kind === 'error' || e.kind === 'output') && /^session (loaded|file rejected)/.test(e.lines[0] ?? ''));
    if (!reply) return;
    unsub();
    if (reply.kind === 'error') {
      localStorage.setItem(REJECTED_KEY, file);
      termAppend('info', [`the rejected session file is kept in localStorage["${REJECTED_KEY}"]`]);
    }
  });
  post({ type: 'session-import', id, text: file });
}

export function useSessionPersistence(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastSeq = 0;
    const unsub = appStore.subscribe((s) => {
      if (!s.ready || !s.snapshot) return;
      if (s.snapshot.seq === lastSeq) return;
      lastSeq = s.snapshot.seq;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        void requestSessionText().then((t) => localStorage.setItem(AUTOSAVE_KEY, t));
      }, 400);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, []);
}
