import type { ErrorBody } from './types';

/** What AngularJS's $http (behind Deck's REST helper) rejects with when a response is not 2xx. */
interface HttpRejection {
  status: number;
  statusText?: string;
  data?: unknown;
}

function isHttpRejection(value: unknown): value is HttpRejection {
  return typeof value === 'object' && value !== null && typeof (value as HttpRejection).status === 'number';
}

function isErrorBody(data: unknown): data is ErrorBody {
  const error = (data as ErrorBody | undefined)?.error;
  return typeof error === 'object' && error !== null && typeof error.message === 'string';
}

/** Spring's error body, which Gate writes when the request fails in Gate itself (e.g. no `github` proxy). */
function gateMessage(data: unknown): string | undefined {
  const message = (data as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message ? message : undefined;
}

/**
 * A failed call to the backend, rebuilt on the client: `status` is the HTTP status (0 when no response arrived),
 * `name` the backend's error name (`NotFoundError`, …) and `message` the backend's own sentence.
 */
export class ResponseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorName = 'ResponseError',
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ResponseError';
  }

  /** Turns whatever Deck's REST helper rejected with into a ResponseError. */
  static fromRejection(rejection: unknown): ResponseError {
    if (rejection instanceof ResponseError) return rejection;
    if (isHttpRejection(rejection)) {
      const { status, statusText, data } = rejection;
      if (isErrorBody(data)) return new ResponseError(data.error.message, status, data.error.name, data);
      if (status <= 0) {
        return new ResponseError('No response from Gate: check the network and that Gate is up.', 0);
      }
      const message = gateMessage(data);
      const text = message ? `${message} (HTTP ${status})` : `Gate answered HTTP ${status} ${statusText ?? ''}`.trim();
      return new ResponseError(text, status, 'ResponseError', data);
    }
    const message = rejection instanceof Error ? rejection.message : String(rejection);
    return new ResponseError(message, 0);
  }
}
