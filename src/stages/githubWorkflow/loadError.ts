import type { ResponseError } from '../../api/ResponseError';

/** A load failure as a sentence for a field: what failed, then the backend's own message. */
export function loadErrorMessage(what: string, error: ResponseError | null | undefined): string | undefined {
  return error ? `${what}: ${error.message}` : undefined;
}

/**
 * Every read of the repository will fail the same way: 404 when the GitHub App cannot see it, 403 when Fiat does not
 * let this user read it (docs/security.md). Said once, under the Repository field.
 */
export const isRepositoryOutOfReach = (error: ResponseError | null | undefined) =>
  error?.status === 404 || error?.status === 403;
