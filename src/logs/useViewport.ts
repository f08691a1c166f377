import { useLayoutEffect, useState } from 'react';

export interface Viewport {
  width: number;
  height: number;
  /** False until the element has been measured: before its first layout effect. */
  measured: boolean;
}

/** The inner size of a scrolling element, updated when the window resizes. */
export function useViewport(ref: React.RefObject<HTMLElement>): Viewport {
  // Before the first measurement, and where nothing is laid out (jsdom): 600 px high.
  const [viewport, setViewport] = useState<Viewport>({ width: 0, height: 600, measured: false });
  useLayoutEffect(() => {
    const measure = () => {
      const element = ref.current;
      if (element && element.clientHeight > 0) {
        setViewport({ width: element.clientWidth, height: element.clientHeight, measured: true });
      } else {
        setViewport((previous) => (previous.measured ? previous : { ...previous, measured: true }));
      }
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [ref]);
  return viewport;
}
