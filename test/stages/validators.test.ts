import type { IPipeline } from '@spinnaker/core';
import { PipelineConfigValidator, Registry } from '@spinnaker/core';
import { http } from 'msw';

import { dispatchRef, repoParams } from '../../backend/src/routes/validation';
import { githubWorkflowStage } from '../../src/stages/githubWorkflow/githubWorkflowStage';
import type { GithubWorkflowStage } from '../../src/stages/githubWorkflow/types';
import { stageErrors } from '../../src/stages/githubWorkflow/validators';
import { queryClient } from '../../src/queryClient';
import { bootstrapAngular } from '../angular';
import { deployInputsMain } from '../msw/fixtures';
import { API, errorResponse } from '../msw/handlers';
import { requests, server, useMswServer } from '../msw/server';

const base = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow' };
const stage = (fields: Partial<GithubWorkflowStage>) => ({ ...base, ...fields }) as GithubWorkflowStage;
const complete = stage({
  repository: 'octo-org/app',
  workflow: 'deploy.yml',
  inputs: { environment: 'production', version: 'v1.4.2' },
});

describe('stageErrors', () => {
  it('asks for a results file with a readable extension in a named artifact', () => {
    expect(stageErrors({ ...complete, propertyArtifact: 'results' }).propertyFile).toBe(
      'Name the results file in the artifact, e.g. outputs.json.',
    );
    expect(stageErrors({ ...complete, propertyArtifact: 'results', propertyFile: 'out.txt' }).propertyFile).toMatch(
      /must end in \.json, \.yml, \.yaml or \.properties/,
    );
    expect(stageErrors({ ...complete, propertyFile: 'out.json' }).propertyFile).toBe(
      'Name the artifact that holds the results file.',
    );
    expect(stageErrors({ ...complete, propertyArtifact: 'results', propertyFile: 'dir/out.yaml' })).toEqual({});
  });

  it('requires a repository and, for workflow_dispatch, a workflow', () => {
    expect(stageErrors(stage({}))).toEqual({
      repository: 'Repository is required.',
      workflow: 'Workflow is required.',
    });
  });

  it('requires an event type instead of a workflow for repository_dispatch', () => {
    expect(stageErrors(stage({ repository: 'octo-org/app', dispatchType: 'repository_dispatch' }))).toEqual({
      eventType: 'Event type is required.',
    });
  });

  it('wants owner/repo unless the repository is SpEL', () => {
    expect(stageErrors(stage({ repository: 'app', workflow: 'deploy.yml' })).repository).toMatch(/owner\/repo/);
    expect(stageErrors(stage({ repository: '${trigger.parameters.repo}', workflow: 'deploy.yml' }))).toEqual({});
  });

  it.each([
    ['octo-org/app', true],
    ['octo_org/app', false],
    ['-octo/app', false],
    ['octo-org/..', false],
    ['octo-org/app.v2_x', true],
    ['octo-org/app/extra', false],
  ])('refuses %s exactly when the backend refuses it (%s)', (repository, valid) => {
    const [owner, repo] = repository.split('/');
    expect(repoParams.safeParse({ owner, repo }).success && !repository.split('/')[2]).toBe(valid);
    expect(stageErrors(stage({ repository, workflow: 'deploy.yml' })).repository === undefined).toBe(valid);
  });

  it.each([
    ['main', true],
    ['v1.4.2', true],
    ['deadbeef', true],
    ['3f786850e387550fdab836ed7e6dc881de23001b', false],
    ['3F786850E387550FDAB836ED7E6DC881DE23001B', false],
    ['9f'.repeat(32), false],
    ['refs/heads/3f786850e387550fdab836ed7e6dc881de23001b', true],
  ])('refuses the ref %s exactly when the backend refuses it (%s)', (ref, valid) => {
    expect(dispatchRef.safeParse(ref).success).toBe(valid);
    expect(stageErrors({ ...complete, ref }).ref === undefined).toBe(valid);
  });

  it('says why a commit sha cannot be the ref and what to do instead, and leaves a SpEL ref to Orca', () => {
    expect(stageErrors({ ...complete, ref: '3f786850e387550fdab836ed7e6dc881de23001b' }).ref).toBe(
      'Ref is a commit sha. GitHub dispatches a workflow only to a branch or tag. Give the branch or tag, and pass the commit as a workflow input that the workflow checks out (docs/stage.md, "GitHub\'s own expressions").',
    );
    expect(stageErrors({ ...complete, ref: '${trigger.hash}' })).toEqual({});
  });

  it('requires the required inputs the workflow declares, when they are known', () => {
    const missing = stage({ repository: 'octo-org/app', workflow: 'deploy.yml', inputs: { version: ' ' } });
    expect(stageErrors(missing)).toEqual({});
    expect(stageErrors(missing, deployInputsMain)).toEqual({
      inputs: { environment: 'Input environment is required.', version: 'Input version is required.' },
    });
    expect(stageErrors(complete, deployInputsMain)).toEqual({});
  });

  it('refuses a client payload that is not a JSON object, unless it is SpEL', () => {
    const dispatch = (clientPayload: unknown) =>
      stageErrors(
        stage({ repository: 'o/r', dispatchType: 'repository_dispatch', eventType: 'deploy', clientPayload } as never),
      );
    expect(dispatch('{"a": ').clientPayload).toMatch(/^Client payload is not valid JSON: /);
    expect(dispatch('"text"').clientPayload).toBe('Client payload must be a JSON object.');
    expect(dispatch([1])).toHaveProperty('clientPayload', 'Client payload must be a JSON object.');
    expect(dispatch('${trigger.payload}')).toEqual({});
    const tenProperties = Object.fromEntries([...'abcdefghij'].map((key) => [key, 1]));
    expect(dispatch(tenProperties).clientPayload).toMatch(/^Client payload may have at most 9 top-level properties/);
    expect(dispatch({ sha: '${trigger.hash}' })).toEqual({});
  });
});

describe("Deck's pipeline validation of the githubWorkflow stage", () => {
  useMswServer();
  beforeAll(() => {
    bootstrapAngular();
    Registry.pipeline.registerStage(githubWorkflowStage);
  });
  afterEach(() => queryClient.clear());

  const validate = (...stages: GithubWorkflowStage[]) =>
    PipelineConfigValidator.validatePipeline({ name: 'Release', stages, triggers: [] } as unknown as IPipeline);

  it('blocks saving a stage whose required input is empty, naming the input', async () => {
    const missing = stage({ repository: 'octo-org/app', workflow: 'deploy.yml', inputs: { environment: 'staging' } });

    const result = await validate(missing);

    expect(result.preventSave).toBe(true);
    expect(result.stages).toEqual([{ stage: missing, messages: ['Input version is required.'] }]);
    expect(requests).toEqual(['/proxies/github/repos/octo-org/app/workflows/deploy.yml/inputs']);
  });

  it('blocks saving a stage without repository or workflow', async () => {
    const result = await validate(stage({}));

    expect(result.preventSave).toBe(true);
    expect(result.stages[0].messages).toEqual(['Repository is required.', 'Workflow is required.']);
  });

  it('blocks saving a stage whose ref is a commit sha', async () => {
    const result = await validate({ ...complete, ref: '3f786850e387550fdab836ed7e6dc881de23001b' });

    expect(result.preventSave).toBe(true);
    expect(result.stages[0].messages).toEqual([expect.stringMatching(/^Ref is a commit sha\. GitHub dispatches/)]);
  });

  it('blocks saving a client payload that is not JSON', async () => {
    const result = await validate(
      stage({
        repository: 'octo-org/app',
        dispatchType: 'repository_dispatch',
        eventType: 'deploy',
        clientPayload: '{',
      }),
    );

    expect(result.preventSave).toBe(true);
    expect(result.stages[0].messages[0]).toMatch(/^Client payload is not valid JSON: /);
  });

  it('lets a complete stage be saved, and reads the inputs once', async () => {
    expect(await validate(complete)).toMatchObject({ preventSave: false, stages: [], hasWarnings: false });
    await validate(complete);
    expect(requests).toHaveLength(1);
  });

  it('warns, without blocking, about inputs the workflow no longer declares', async () => {
    const result = await validate({ ...complete, inputs: { ...complete.inputs, legacy: 'yes' } });

    expect(result.preventSave).toBe(false);
    expect(result.stages[0].messages).toEqual([
      '.github/workflows/deploy.yml at main no longer declares the input(s) legacy; GitHub refuses to dispatch a workflow with undeclared inputs.',
    ]);
  });

  it('does not block saving when the inputs cannot be read', async () => {
    server.use(
      http.get(`${API}/repos/:owner/:repo/workflows/:workflow/inputs`, ({ request }) =>
        errorResponse(404, 'NotFoundError', 'The GitHub App is not installed on octo-org/app.', request),
      ),
    );

    expect(await validate(stage({ repository: 'octo-org/app', workflow: 'deploy.yml' }))).toMatchObject({
      preventSave: false,
    });
  });
});
