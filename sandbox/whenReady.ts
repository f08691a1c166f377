import type { RequestHandler } from 'express';

/**
 * Holds a request until `ready` settles: what a route serves is being built in the background (the tools page, the
 * plugin bundle while `npm start` runs rollup). A failed build answers 500 saying what did not build and why.
 */
export function whenReady(ready: Promise<unknown>, what: string): RequestHandler {
  // Handled here once, so a failure nobody has asked for yet is not an unhandled rejection.
  const settled = ready.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  return (_req, res, next) => {
    void settled.then((failure) => {
      if (failure === undefined) next();
      else res.status(500).json({ error: { name: 'BuildError', message: `${what} did not build: ${failure}` } });
    });
  };
}
