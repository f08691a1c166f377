import type { Application, IPipeline, IStage } from '@spinnaker/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import React from 'react';

import { GithubWorkflowStageEditor } from '../src/stages/githubWorkflow/GithubWorkflowStageConfig';
import type { GithubWorkflowStage } from '../src/stages/githubWorkflow/types';

const silent = { log: () => {}, warn: () => {}, error: () => {} };

/** A fresh QueryClient per test: no retries, no logging of the errors the tests provoke. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } }, logger: silent });
}

export function renderWithClient(ui: React.ReactElement, client = createTestQueryClient()) {
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}

export const application = { name: 'deployer' } as unknown as Application;

/**
 * The stage editor as Deck mounts it: `updateStage` copies the changed fields onto Deck's stage object, as
 * stage.module.js does with lodash `extend`.
 */
export function renderStageEditor(fields: Partial<GithubWorkflowStage> = {}) {
  const stage: IStage = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow', ...fields };
  const pipeline = { id: 'p1', name: 'Release', application: 'deployer', stages: [stage], triggers: [] };
  const updateStage = (changes: Record<string, unknown>) => Object.assign(stage, changes);
  const result = renderWithClient(
    <GithubWorkflowStageEditor
      application={application}
      pipeline={pipeline as unknown as IPipeline}
      stage={stage}
      updateStage={updateStage}
      updateStageField={updateStage}
      stageFieldUpdated={() => {}}
    />,
  );
  /** Deck's stage as it would be saved (JSON drops undefined fields). */
  const saved = () => JSON.parse(JSON.stringify(stage)) as GithubWorkflowStage;
  return { ...result, stage, pipeline, saved };
}
