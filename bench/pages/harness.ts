import { syntheticLog } from '../syntheticLog';

/** What the benchmark needs to know about one log viewer, all from its rendered DOM. */
export interface Viewer {
  mount(text: string, root: HTMLElement): void;
  searchBox(root: HTMLElement): HTMLInputElement | null;
  /** Some viewers search on typing, ours on Enter (or a typing pause). */
  submitSearch?(input: HTMLInputElement): void;
  /** Number of matches the viewer shows, or null before it shows one. */
  matchCount(root: HTMLElement): number | null;
}

export interface Measured {
  ms: number;
  count?: number;
}

const FIRST_LINE = 'Current runner version';
const LAST_LINE = 'Cleaning up orphan processes';
const TIMEOUT_MS = 120_000;

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

/** Resolves on the first frame where `done()` holds, then two frames later (the frame that shows it is painted). */
async function until(done: () => boolean): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > TIMEOUT_MS) throw new Error(`timed out after ${TIMEOUT_MS / 1000} s`);
    await frame();
  }
  await frame();
  await frame();
}

/** The element that scrolls the log: the tallest scrollable one. */
function scroller(root: HTMLElement): HTMLElement {
  let best: HTMLElement = root;
  root.querySelectorAll<HTMLElement>('*').forEach((element) => {
    const style = getComputedStyle(element);
    const scrolls = style.overflowY === 'auto' || style.overflowY === 'scroll';
    if (scrolls && element.scrollHeight > element.clientHeight && element.scrollHeight > best.scrollHeight) {
      best = element;
    }
  });
  return best;
}

function type(input: HTMLInputElement, value: string): void {
  // React tracks an input's value itself: set it through the native setter so that the input event counts.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

declare global {
  interface Window {
    bench: {
      prepare(lines: number): number;
      mount(): Promise<Measured>;
      search(term: string): Promise<Measured>;
      scrollToEnd(): Promise<Measured>;
    };
  }
}

/** Exposes `window.bench` for bench/runBench.ts to drive. */
export function installHarness(viewer: Viewer): void {
  const root = document.getElementById('root')!;
  let text = '';
  window.bench = {
    prepare(lines) {
      // As fetch's response.text() would hand it over: one flat string decoded from UTF-8.
      const bytes = new TextEncoder().encode(syntheticLog(lines));
      text = new TextDecoder().decode(bytes);
      return bytes.length;
    },
    async mount() {
      const start = performance.now();
      viewer.mount(text, root);
      await until(() => {
        const shown = root.textContent ?? '';
        return shown.includes(FIRST_LINE) || shown.includes(LAST_LINE);
      });
      return { ms: performance.now() - start };
    },
    async search(term) {
      const input = viewer.searchBox(root);
      if (!input) throw new Error('no search box');
      const start = performance.now();
      type(input, term);
      viewer.submitSearch?.(input);
      await until(() => (viewer.matchCount(root) ?? 0) > 0);
      return { ms: performance.now() - start, count: viewer.matchCount(root) ?? 0 };
    },
    async scrollToEnd() {
      const element = scroller(root);
      const start = performance.now();
      element.scrollTop = element.scrollHeight;
      await until(() => (root.textContent ?? '').includes(LAST_LINE));
      return { ms: performance.now() - start };
    },
  };
}
