import { SpelService } from '@spinnaker/core';

import type { RepoArgs } from './client';

/** A value the backend can look up: present, and not a SpEL expression that only Orca can evaluate. */
export function isLookupValue(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !SpelService.includesSpel(value);
}

/** `owner/repo` split in two; undefined for SpEL, empty or malformed values. */
export function parseRepository(repository: unknown): RepoArgs | undefined {
  if (!isLookupValue(repository)) return undefined;
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository.trim());
  return match ? { owner: match[1], repo: match[2] } : undefined;
}
