import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody } from './contract.js';

/** Base for every error we raise on purpose; `statusCode` is what the client receives. */
export class HttpError extends Error {
  readonly statusCode: number;
  constructor(message: string, statusCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

export class InputError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 400, options);
  }
}

export class AuthenticationError extends HttpError {
  constructor(message: string) {
    super(message, 401);
  }
}

export class NotAllowedError extends HttpError {
  constructor(message: string) {
    super(message, 403);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 404, options);
  }
}

/** Well-formed, but not something that can be done (e.g. dispatching a workflow without `workflow_dispatch`). */
export class UnprocessableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 422, options);
  }
}

/** The upstream resource existed once but is gone for good (e.g. expired logs). */
export class GoneError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 410, options);
  }
}

/** More than one answer may carry (413, RFC 9110's Content Too Large): the message says how to ask for it in parts. */
export class ContentTooLargeError extends HttpError {
  constructor(message: string) {
    super(message, 413);
  }
}

/** GitHub or Spinnaker failed, or refused our own credentials: not the caller's fault. */
export class UpstreamError extends HttpError {
  constructor(message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(message, options?.statusCode ?? 502, options);
  }
}

/** Not possible now, worth asking again in `retryAfterSeconds`: 503 with Retry-After. */
export class RetryLaterError extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, 503, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** GitHub asked us to slow down and the wait is longer than we are willing to hold the request. */
export class RateLimitedError extends RetryLaterError {}

/**
 * What a failure says, and nothing it carries: an Octokit error's `request` holds the token in its headers, so only
 * the message may reach a log line, a stored reason or a health answer.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.statusCode;
  // body-parser and friends mark client errors with `status`/`statusCode` and `expose`.
  const candidate = err as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = Number(candidate.statusCode ?? candidate.status);
  if (Number.isInteger(status) && status >= 400 && status < 500 && candidate.expose === true) return status;
  return 500;
}

export function errorBody(err: unknown, req: Request, statusCode: number): ErrorBody {
  const known = err instanceof HttpError || statusCode < 500;
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    error: {
      name: known ? error.name : 'InternalServerError',
      // Unknown failures may carry internals (SQL, file paths); the log has them, the client does not.
      message: known ? error.message : 'The request failed unexpectedly; the backend logs have the details.',
    },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode },
  };
}

/** The single error middleware, registered last. Logs server-side failures only. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const statusCode = statusOf(err);
    if (statusCode >= 500) logger.error({ err, method: req.method, url: req.originalUrl }, 'request failed');
    if (err instanceof RetryLaterError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    res.status(statusCode).json(errorBody(err, req, statusCode));
  };
}
