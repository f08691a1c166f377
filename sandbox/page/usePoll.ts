import React from 'react';

/** Calls `load` now and every `intervalMs` while `enabled`; the latest answer or error. */
export function usePoll<T>(load: (() => Promise<T>) | undefined, intervalMs: number) {
  const [state, setState] = React.useState<{ data?: T; error?: string }>({});
  React.useEffect(() => {
    if (!load) return undefined;
    let active = true;
    const tick = () =>
      load().then(
        (data) => active && setState({ data }),
        (error: unknown) => active && setState((previous) => ({ ...previous, error: String(error) })),
      );
    void tick();
    const timer = setInterval(tick, intervalMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
  }, [load, intervalMs]);
  return state;
}
