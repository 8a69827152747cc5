import { useEffect, useState } from 'react';

export interface Size {
  width: number;
  height: number;
}

/**
 * Content size of an element, tracked with a ResizeObserver. Returns a callback ref, so it
 * also works for elements that mount after the component (behind an early return).
 * With `widthOnly` the height is reported as 0 and its changes cause no re-render.
 */
export function useElementSize<T extends HTMLElement = HTMLElement>(widthOnly = false): [(el: T | null) => void, Size, T | null] {
  const [el, setEl] = useState<T | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  useEffect(() => {
    if (!el) return;
    const update = (width: number, h: number) => {
      const height = widthOnly ? 0 : h;
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) update(Math.floor(e.contentRect.width), Math.floor(e.contentRect.height));
    });
    ro.observe(el);
    update(el.clientWidth, el.clientHeight);
    return () => ro.disconnect();
  }, [el, widthOnly]);
  return [setEl, size, el];
}
