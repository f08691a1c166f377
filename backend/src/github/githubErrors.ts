import { RequestError } from '@octokit/request-error';
import { GoneError, HttpError, NotFoundError, RateLimitedError, UnprocessableError, UpstreamError } from '../errors.js';

export const APP_PERMISSIONS_HINT =
  'The GitHub App needs these repository permissions: Actions (read and write), Contents (read; read and write for repository_dispatch), Deployments (read and write), Metadata (read); after changing them, accept the new permissions on each installation (docs/github-app.md).';

/** Endpoints GitHub authenticates with the App's JWT rather than an installation token. */
function usedAppJwt(error: RequestError): boolean {
  const path = new URL(error.request.url).pathname.replace(/^\/api\/v3/, '');
  return path.startsWith('/app') || /^\/(repos\/[^/]+\/[^/]+|orgs\/[^/]+|users\/[^/]+)\/installation$/.test(path);
}

function retryAfterSeconds(error: RequestError): number | undefined {
  const headers = error.response?.headers ?? {};
  if (headers['retry-after']) return Number(headers['retry-after']);
  if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset']) {
    return Math.max(1, Number(headers['x-ratelimit-reset']) - Math.floor(Date.now() / 1000));
  }
  return undefined;
}

export interface ErrorContext {
  /** What we were doing, as a phrase: "listing the workflows of octo-org/hello-world". */
  action: string;
  appId: number;
  /** Message for a 404, when the caller knows better than "not found". */
  notFound?: string;
}

/**
 * Turns whatever Octokit threw into one of our typed errors. Failures of our own credentials are
 * 502 with the setting to check, never GitHub's 401 passed through as if the caller were not signed in.
 */
export function toHttpError(error: unknown, context: ErrorContext): Error {
  if (error instanceof HttpError) return error;
  if (!(error instanceof RequestError)) {
    if (error instanceof Error && /private key|universal-github-app-jwt|DECODER/i.test(error.message)) {
      return new UpstreamError(
        `Could not sign the GitHub App's JWT while ${context.action}: check GITHUB_APP_PRIVATE_KEY.`,
        { cause: error },
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
  const { status, message } = error;
  const appJwt = usedAppJwt(error);
  const retryAfter = retryAfterSeconds(error);

  if ((status === 403 || status === 429) && retryAfter !== undefined) {
    return new RateLimitedError(
      `GitHub's rate limit stopped us while ${context.action}; try again in ${retryAfter} s.`,
      retryAfter,
      { cause: error },
    );
  }
  if (status === 401) {
    return new UpstreamError(
      appJwt
        ? `GitHub rejected the App's JWT while ${context.action} (${message}). Check that GITHUB_APP_PRIVATE_KEY is a current private key of the GitHub App with ID ${context.appId}, and that this machine's clock is right.`
        : `GitHub rejected the installation token while ${context.action} (${message}). The installation may have been suspended or removed.`,
      { cause: error },
    );
  }
  if (status === 404 && appJwt && /integration not found/i.test(message)) {
    return new UpstreamError(
      `GitHub does not know a GitHub App with ID ${context.appId} (${message}). Check GITHUB_APP_ID, and GITHUB_API_URL when you use GitHub Enterprise Server.`,
      { cause: error },
    );
  }
  if (status === 404) {
    return new NotFoundError(context.notFound ?? `Not found on GitHub while ${context.action}.`, { cause: error });
  }
  if (status === 403) {
    return new UpstreamError(`GitHub refused ${context.action} (${message}). ${APP_PERMISSIONS_HINT}`, {
      cause: error,
    });
  }
  if (status === 410) return new GoneError(`GitHub no longer has it: ${message}.`, { cause: error });
  if (status === 422)
    return new UnprocessableError(`GitHub could not process ${context.action}: ${message}.`, { cause: error });
  const reached = error.response ? `answered ${status}` : `could not be reached (${message})`;
  return new UpstreamError(`GitHub ${reached} while ${context.action}.`, { cause: error });
}
