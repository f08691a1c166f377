import { SpelService } from '@spinnaker/core';

import { splitRepository } from '../../backend/src/repositoryName';

import type { RepoArgs } from './client';

/** A value the backend can look up: present, and not a SpEL expression that only Orca can evaluate. */
export function isLookupValue(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && !SpelService.includesSpel(value);
}

/** `owner/repo` split in two; undefined for SpEL, empty values and names the backend refuses (repositoryName.ts). */
export function parseRepository(repository: unknown): RepoArgs | undefined {
  if (!isLookupValue(repository)) return undefined;
  return splitRepository(repository.trim());
}
