import type { IPipeline } from '@spinnaker/core';
import { PipelineConfigValidator, Registry } from '@spinnaker/core';

import { registerTriggers } from '../../src/triggers/registerTriggers';
import type { GithubDeploymentTrigger, GithubWorkflowRunTrigger } from '../../src/triggers/types';
import { deploymentTriggerErrors, workflowRunTriggerErrors } from '../../src/triggers/validators';
import { bootstrapAngular } from '../angular';

const workflowRun = (fields: Partial<GithubWorkflowRunTrigger> = {}): GithubWorkflowRunTrigger => ({
  enabled: true,
  type: 'githubWorkflowRun',
  repository: 'octo-org/app',
  workflow: 'deploy.yml',
  ...fields,
});
const deployment = (fields: Partial<GithubDeploymentTrigger> = {}): GithubDeploymentTrigger => ({
  enabled: true,
  type: 'githubDeployment',
  repository: 'octo-org/app',
  ...fields,
});

describe('workflowRunTriggerErrors', () => {
  it('requires a repository written owner/repo and a workflow', () => {
    expect(workflowRunTriggerErrors(workflowRun({ repository: undefined, workflow: undefined }))).toEqual({
      repository: 'Repository is required.',
      workflow: 'Workflow is required.',
    });
    expect(workflowRunTriggerErrors(workflowRun({ repository: 'app' })).repository).toBe(
      'Repository must be written owner/repo, e.g. octo-org/app.',
    );
    // The backend compares the text; it never evaluates SpEL.
    expect(workflowRunTriggerErrors(workflowRun({ repository: '${trigger.repo}' })).repository).toMatch(/owner\/repo/);
    expect(workflowRunTriggerErrors(workflowRun())).toEqual({});
  });

  it('refuses a branch pattern that is not a regular expression', () => {
    expect(workflowRunTriggerErrors(workflowRun({ branch: 'release/(' })).branch).toMatch(
      /^Branch is not a valid regular expression: .*missing closing \)/,
    );
    expect(workflowRunTriggerErrors(workflowRun({ branch: 'main|release/.*' }))).toEqual({});
    expect(workflowRunTriggerErrors(workflowRun({ branch: '' }))).toEqual({});
  });

  it("takes GitHub's conclusions, a comma-separated list of them, or *", () => {
    for (const conclusion of ['success', 'failure,cancelled', ' timed_out , startup_failure', '*', 'SUCCESS', '']) {
      expect(workflowRunTriggerErrors(workflowRun({ conclusion }))).toEqual({});
    }
    expect(workflowRunTriggerErrors(workflowRun({ conclusion: ['failure', 'success'] }))).toEqual({});
    expect(workflowRunTriggerErrors(workflowRun({ conclusion: 'success,failed' })).conclusion).toBe(
      'Conclusion failed is not one GitHub reports: use success, failure, cancelled, timed_out, action_required, startup_failure, neutral, skipped, stale, or * for any.',
    );
    expect(workflowRunTriggerErrors(workflowRun({ conclusion: ',' })).conclusion).toBe(
      'Conclusion lists no conclusion, so the trigger would never fire; leave it empty for success.',
    );
  });
});

describe('deploymentTriggerErrors', () => {
  it('requires a repository and valid environment and ref patterns', () => {
    expect(deploymentTriggerErrors(deployment({ repository: '' }))).toEqual({ repository: 'Repository is required.' });
    expect(deploymentTriggerErrors(deployment({ environment: '*', ref: 'v[0-9' }))).toEqual({
      environment: expect.stringMatching(/^Environment is not a valid regular expression: /),
      ref: expect.stringMatching(/^Ref is not a valid regular expression: /),
    });
    expect(deploymentTriggerErrors(deployment({ environment: 'production|staging-.*', ref: 'main' }))).toEqual({});
  });
});

describe("Deck's pipeline validation of the GitHub triggers", () => {
  beforeAll(() => {
    bootstrapAngular();
    registerTriggers(Registry.pipeline);
  });

  const validate = (...triggers: object[]) =>
    PipelineConfigValidator.validatePipeline({ name: 'Release', stages: [], triggers } as unknown as IPipeline);

  it('blocks saving a trigger without repository or workflow, naming the trigger', async () => {
    const result = await validate(workflowRun(), { enabled: true, type: 'githubWorkflowRun' });

    expect(result.preventSave).toBe(true);
    expect(result.pipeline).toEqual([
      'Trigger 2 (GitHub workflow finished): Repository is required.',
      'Trigger 2 (GitHub workflow finished): Workflow is required.',
    ]);
  });

  it('blocks saving invalid patterns and unknown conclusions', async () => {
    const result = await validate(
      workflowRun({ branch: 'release/(', conclusion: 'succes' }),
      deployment({ environment: 'prod(' }),
    );

    expect(result.preventSave).toBe(true);
    expect(result.pipeline).toEqual([
      expect.stringMatching(/^Trigger 1 \(GitHub workflow finished\): Branch is not a valid regular expression: /),
      expect.stringMatching(/^Trigger 1 \(GitHub workflow finished\): Conclusion succes is not one GitHub reports/),
      expect.stringMatching(/^Trigger 2 \(GitHub deployment created\): Environment is not a valid regular expression/),
    ]);
  });

  it('lets valid triggers be saved, disabled ones included', async () => {
    expect(
      await validate(
        workflowRun({ branch: 'main', conclusion: 'success,failure' }),
        deployment({ enabled: false, environment: 'production', ref: 'v.*' }),
      ),
    ).toMatchObject({ preventSave: false, pipeline: [], hasWarnings: false });
  });
});
