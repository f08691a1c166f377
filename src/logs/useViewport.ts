import { useLayoutEffect, useState } from 'react';

/** Used before the element has a size (and in jsdom, where nothing has one). */
const FALLBACK_VIEWPORT = { width: 0, height: 600 };

/** The inner size of a scrolling element, updated when the window resizes. */
export function useViewport(ref: React.RefObject<HTMLElement>): { width: number; height: number } {
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  useLayoutEffect(() => {
    const measure = () => {
      const element = ref.current;
      if (element && element.clientHeight > 0) {
        setViewport({ width: element.clientWidth, height: element.clientHeight });
      }
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref]);
  return viewport;
}
