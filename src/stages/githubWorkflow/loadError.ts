import type { ResponseError } from '../../api/ResponseError';

/** A load failure as a sentence for a field: what failed, then the backend's own message. */
export function loadErrorMessage(what: string, error: ResponseError | null | undefined): string | undefined {
  return error ? `${what}: ${error.message}` : undefined;
}

/** The backend answers 404 for every read of a repository the GitHub App cannot see. */
export const isRepositoryNotFound = (error: ResponseError | null | undefined) => error?.status === 404;
