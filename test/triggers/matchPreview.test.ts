import type { DeploymentEvent, WorkflowRunEvent } from '../../backend/src/triggers/matching';
import { matchPipelines } from '../../backend/src/triggers/matching';
import type { DeploymentFacts, TriggerFields, WorkflowRunFacts } from '../../src/triggers/matchPreview';
import { conclusionList, patternError, previewDeployment, previewWorkflowRun } from '../../src/triggers/matchPreview';
import { matchCount } from '../../src/triggers/MatchResult';

const run: WorkflowRunFacts = {
  repository: 'octo-org/app',
  workflowPath: '.github/workflows/deploy.yml',
  workflowName: 'Deploy',
  branch: 'main',
  conclusion: 'success',
  status: 'completed',
};
const deployment: DeploymentFacts = { repository: 'octo-org/app', environment: 'production', ref: 'v1.4.2' };

const onDeploy = (fields: TriggerFields = {}): TriggerFields => ({
  enabled: true,
  repository: 'octo-org/app',
  workflow: 'deploy.yml',
  ...fields,
});
const onDeployment = (fields: TriggerFields = {}): TriggerFields => ({
  enabled: true,
  repository: 'octo-org/app',
  ...fields,
});

const runMatches = (trigger: TriggerFields, facts: Partial<WorkflowRunFacts> = {}) =>
  previewWorkflowRun(trigger, { ...run, ...facts }).matches;
const deploymentMatches = (trigger: TriggerFields, facts: Partial<DeploymentFacts> = {}) =>
  previewDeployment(trigger, { ...deployment, ...facts }).matches;

describe('previewWorkflowRun', () => {
  it('matches a successful run of the workflow in the repository', () => {
    expect(previewWorkflowRun(onDeploy(), run)).toEqual({ matches: true, reasons: [] });
  });

  it('compares the repository without regard to case', () => {
    expect(runMatches(onDeploy({ repository: 'Octo-Org/APP' }))).toBe(true);
    expect(runMatches(onDeploy({ repository: 'octo-org/app2' }))).toBe(false);
  });

  it("takes the workflow's file name, its path or its name, exactly", () => {
    expect(runMatches(onDeploy({ workflow: 'deploy.yml' }))).toBe(true);
    expect(runMatches(onDeploy({ workflow: '.github/workflows/deploy.yml' }))).toBe(true);
    expect(runMatches(onDeploy({ workflow: 'Deploy' }))).toBe(true);
    expect(runMatches(onDeploy({ workflow: 'deploy' }))).toBe(false);
    expect(runMatches(onDeploy({ workflow: 'ci.yml' }))).toBe(false);
    expect(runMatches(onDeploy({ workflow: '' }))).toBe(false);
  });

  it('wants the branch pattern to match the whole branch name; empty matches any', () => {
    expect(runMatches(onDeploy({ branch: 'main' }))).toBe(true);
    expect(runMatches(onDeploy({ branch: 'main' }), { branch: 'main-menu' })).toBe(false);
    expect(runMatches(onDeploy({ branch: 'mai' }))).toBe(false);
    expect(runMatches(onDeploy({ branch: 'main|release/.*' }), { branch: 'release/1.x' })).toBe(true);
    expect(runMatches(onDeploy({ branch: 'release/.*' }), { branch: 'hotfix/release/1.x' })).toBe(false);
    expect(runMatches(onDeploy({ branch: '' }), { branch: 'anything' })).toBe(true);
    expect(runMatches(onDeploy({ branch: ' main ' }))).toBe(true);
  });

  it('never matches with an invalid branch pattern, and says so', () => {
    expect(previewWorkflowRun(onDeploy({ branch: 'release/(' }), run)).toEqual({
      matches: false,
      reasons: ['the branch pattern is not a valid regular expression'],
    });
  });

  it('needs a branch when there is a pattern', () => {
    expect(runMatches(onDeploy({ branch: '.*' }), { branch: null })).toBe(false);
    expect(runMatches(onDeploy(), { branch: null })).toBe(true);
  });

  it('takes success when no conclusion is set, else one, a list or *', () => {
    expect(runMatches(onDeploy(), { conclusion: 'failure' })).toBe(false);
    expect(runMatches(onDeploy({ conclusion: '  ' }), { conclusion: 'success' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: 'failure' }), { conclusion: 'failure' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: 'success, failure' }), { conclusion: 'failure' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: 'success,failure' }), { conclusion: 'cancelled' })).toBe(false);
    expect(runMatches(onDeploy({ conclusion: 'FAILURE' }), { conclusion: 'failure' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: '*' }), { conclusion: 'timed_out' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: ['failure'] }), { conclusion: 'failure' })).toBe(true);
    expect(runMatches(onDeploy({ conclusion: [] }))).toBe(false);
    expect(runMatches(onDeploy({ conclusion: ',' }))).toBe(false);
  });

  it('fires only for enabled triggers', () => {
    expect(runMatches(onDeploy({ enabled: false }))).toBe(false);
    expect(runMatches(onDeploy({ enabled: 'true' }))).toBe(false);
    expect(runMatches(onDeploy({ enabled: undefined }))).toBe(false);
  });

  it('says why a run does not match, one reason per condition', () => {
    const trigger = onDeploy({ branch: 'main', conclusion: 'success' });
    expect(previewWorkflowRun(trigger, { ...run, branch: 'release/1.x', conclusion: 'failure' }).reasons).toEqual([
      'branch release/1.x does not match main',
      'conclusion failure is not success',
    ]);
    expect(previewWorkflowRun(trigger, { ...run, status: 'in_progress', conclusion: null }).reasons).toEqual([
      'it is not completed (in_progress)',
    ]);
    expect(previewWorkflowRun({ ...trigger, enabled: false, workflow: 'ci.yml' }, run).reasons).toEqual([
      'the trigger is not enabled',
      'workflow is deploy.yml (Deploy), not ci.yml',
    ]);
  });
});

describe('previewDeployment', () => {
  it('matches any deployment of the repository when environment and ref are empty', () => {
    expect(previewDeployment(onDeployment(), deployment)).toEqual({ matches: true, reasons: [] });
    expect(deploymentMatches(onDeployment({ repository: 'OCTO-ORG/app' }))).toBe(true);
    expect(deploymentMatches(onDeployment({ repository: 'octo-org/infra' }))).toBe(false);
  });

  it('wants environment and ref patterns to match the whole value', () => {
    expect(deploymentMatches(onDeployment({ environment: 'production' }))).toBe(true);
    expect(deploymentMatches(onDeployment({ environment: 'prod' }))).toBe(false);
    expect(deploymentMatches(onDeployment({ environment: 'production' }), { environment: 'production-eu' })).toBe(
      false,
    );
    expect(
      deploymentMatches(onDeployment({ environment: 'production|staging-.*' }), { environment: 'staging-eu' }),
    ).toBe(true);
    expect(deploymentMatches(onDeployment({ ref: 'v[0-9]+\\.[0-9]+\\.[0-9]+' }))).toBe(true);
    expect(deploymentMatches(onDeployment({ ref: 'v1' }))).toBe(false);
  });

  it('never matches with an invalid pattern', () => {
    expect(previewDeployment(onDeployment({ environment: '*' }), deployment)).toEqual({
      matches: false,
      reasons: ['the environment pattern is not a valid regular expression'],
    });
    expect(deploymentMatches(onDeployment({ ref: '[' }))).toBe(false);
  });

  it('says why a deployment does not match', () => {
    expect(previewDeployment(onDeployment({ environment: 'staging', ref: 'main' }), deployment).reasons).toEqual([
      'environment production does not match staging',
      'ref v1.4.2 does not match main',
    ]);
  });
});

describe('patternError and conclusionList', () => {
  it('reports what is wrong with a pattern', () => {
    expect(patternError('release/.*')).toBeUndefined();
    expect(patternError('release/(')).toMatch(/missing closing \)/);
    // RE2 cannot run backreferences in linear time, so neither the preview nor the backend takes them.
    expect(patternError('(main)\\1')).toMatch(/invalid escape sequence/);
  });

  it("reads Java's syntax as Echo does, and a pathological pattern costs no more than any other", () => {
    expect(runMatches(onDeploy({ branch: '(?i)MAIN' }))).toBe(true);
    expect(runMatches(onDeploy({ branch: 'release/\\d+\\.x' }), { branch: 'release/12.x' })).toBe(true);
    // Exponential for a backtracking engine (JavaScript's RegExp would not return); linear in RE2.
    expect(runMatches(onDeploy({ branch: '(a+)+$' }), { branch: `${'a'.repeat(10_000)}!` })).toBe(false);
  });

  it('lists the accepted conclusions as the backend reads them', () => {
    expect(conclusionList(undefined)).toEqual(['success']);
    expect(conclusionList(' Failure , cancelled,')).toEqual(['failure', 'cancelled']);
    expect(conclusionList(['*'])).toEqual(['*']);
  });
});

// The same cases through the backend's matchPipelines: the preview must agree with what fires.
describe('agreement with backend/src/triggers/matching.ts', () => {
  const logger = { warn: () => {} } as unknown as Parameters<typeof matchPipelines>[2];
  const fires = (trigger: Record<string, unknown>, event: WorkflowRunEvent | DeploymentEvent) =>
    matchPipelines(event, [{ id: 'p1', name: 'Deploy', application: 'app', triggers: [trigger] }], logger).length > 0;

  const runEvent = (facts: WorkflowRunFacts): WorkflowRunEvent => ({
    kind: 'workflow_run',
    ...facts,
    sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    runId: 30433690,
    runNumber: 565,
    htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433690',
  });
  const deploymentEvent = (facts: DeploymentFacts): DeploymentEvent => ({
    kind: 'deployment',
    ...facts,
    repositoryUrl: 'https://github.com/octo-org/app',
    deploymentId: 1296269,
    sha: 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d',
    task: 'deploy',
  });

  const runTriggers: TriggerFields[] = [
    onDeploy(),
    onDeploy({ repository: 'OCTO-ORG/App' }),
    onDeploy({ repository: ' octo-org/app ' }),
    onDeploy({ repository: 'octo-org/infra' }),
    onDeploy({ workflow: '.github/workflows/deploy.yml' }),
    onDeploy({ workflow: 'Deploy' }),
    onDeploy({ workflow: 'deploy' }),
    onDeploy({ workflow: '' }),
    onDeploy({ branch: 'main' }),
    onDeploy({ branch: 'mai' }),
    onDeploy({ branch: 'main|release/.*' }),
    onDeploy({ branch: 'release/(' }),
    onDeploy({ branch: '(?i)MAIN' }),
    onDeploy({ branch: 'release/\\d+\\.x' }),
    onDeploy({ branch: '(a+)+$' }),
    onDeploy({ branch: '(main)\\1' }),
    onDeploy({ branch: ' ' }),
    onDeploy({ conclusion: 'failure' }),
    onDeploy({ conclusion: 'success, failure' }),
    onDeploy({ conclusion: 'CANCELLED,*' }),
    onDeploy({ conclusion: ['failure', 'success'] }),
    onDeploy({ conclusion: [] }),
    onDeploy({ conclusion: ',' }),
    onDeploy({ conclusion: 42 }),
    onDeploy({ enabled: false }),
    onDeploy({ enabled: 'true' }),
  ];
  const runs: WorkflowRunFacts[] = [
    run,
    { ...run, branch: 'release/1.x', conclusion: 'failure' },
    { ...run, branch: 'main-menu', conclusion: 'cancelled' },
    { ...run, branch: null, conclusion: null },
    { ...run, repository: 'Octo-Org/App', workflowName: 'deploy.yml' },
  ];

  it.each(runTriggers.map((trigger) => [JSON.stringify(trigger), trigger]))(
    'decides workflow runs as the backend does for %s',
    (_name, trigger) => {
      for (const facts of runs) {
        const backend = fires({ type: 'githubWorkflowRun', ...trigger }, runEvent(facts));
        expect({ facts, matches: previewWorkflowRun(trigger, facts).matches }).toEqual({ facts, matches: backend });
      }
    },
  );

  const deploymentTriggers: TriggerFields[] = [
    onDeployment(),
    onDeployment({ repository: 'Octo-Org/APP' }),
    onDeployment({ repository: 'octo-org/infra' }),
    onDeployment({ environment: 'production' }),
    onDeployment({ environment: 'prod' }),
    onDeployment({ environment: 'production|staging-.*' }),
    onDeployment({ environment: '*' }),
    onDeployment({ ref: 'v[0-9]+\\.[0-9]+\\.[0-9]+' }),
    onDeployment({ ref: 'main', environment: 'staging-.*' }),
    onDeployment({ enabled: false }),
  ];
  const deploymentsFacts: DeploymentFacts[] = [
    deployment,
    { ...deployment, environment: 'staging-eu', ref: 'main' },
    { ...deployment, environment: 'production-eu', ref: 'v1.4' },
  ];

  it.each(deploymentTriggers.map((trigger) => [JSON.stringify(trigger), trigger]))(
    'decides deployments as the backend does for %s',
    (_name, trigger) => {
      for (const facts of deploymentsFacts) {
        const backend = fires({ type: 'githubDeployment', ...trigger }, deploymentEvent(facts));
        expect({ facts, matches: previewDeployment(trigger, facts).matches }).toEqual({ facts, matches: backend });
      }
    },
  );
});

describe('matchCount', () => {
  const yes = { matches: true, reasons: [] };
  const no = { matches: false, reasons: ['branch is dev'] };
  it('reads naturally for one event and for several', () => {
    expect(matchCount([yes], ['run', 'runs'])).toBe('The most recent run would start this pipeline.');
    expect(matchCount([no], ['run', 'runs'])).toBe('The most recent run would not start this pipeline.');
    expect(matchCount([yes, no, yes], ['run', 'runs'])).toBe('2 of the 3 most recent runs would start this pipeline.');
  });
});
