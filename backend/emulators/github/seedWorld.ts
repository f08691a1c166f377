import * as build from './entities.js';
import {
  CI_YML,
  DEPLOY_RELEASE_YML,
  DEPLOY_YML,
  README_MD,
  RELEASE_YML,
  SEED,
  SMOKE_YML,
  type SeededRepo,
} from './seed.js';
import type { Account, Integration, RunConclusion, RunStatus } from './types.js';
import { World, type JobSpec } from './world.js';

const CI_BUILD = ['Set up job', 'Run actions/checkout@v4', 'Run npm ci', 'Run npm run build', 'Complete job'];
const CI_TEST = ['Set up job', 'Run actions/checkout@v4', 'Run npm ci', 'Run npm test', 'Complete job'];
const DEPLOY_BUILD = ['Set up job', 'Run actions/checkout@v4', 'Run npm ci && npm run build', 'Complete job'];
const DEPLOY_DEPLOY = ['Set up job', 'Run actions/checkout@v4', 'Run Deploy', 'Complete job'];

/** A fresh world holding exactly what `SEED` describes. */
export function seedWorld(): World {
  const accounts = Object.fromEntries(
    Object.entries(SEED.accounts).map(([login, a]) => [login, build.account(login, a.id, a.type)]),
  ) as Record<keyof typeof SEED.accounts, Account>;
  const app: Integration = build.integration({
    ...SEED.app,
    owner: accounts['octo-org'],
    permissions: SEED.permissions,
    events: ['workflow_run', 'workflow_job', 'deployment_status'],
    installationsCount: Object.keys(SEED.installations).length,
  });
  const world = new World(app);
  for (const [login, value] of Object.entries(accounts)) world.accounts.set(login, value);

  for (const { id, account, repositories } of Object.values(SEED.installations)) {
    const owner = accounts[account];
    // An organization that left a repository out must have picked repositories one by one.
    const selection = owner.type === 'Organization' ? 'selected' : 'all';
    world.installations.set(id, {
      data: build.installation({ id, account: owner, app, repositorySelection: selection }),
      repositories: [...repositories],
    });
  }

  const repos: [string, number][] = [
    ...Object.entries(SEED.repos).map(([fullName, seeded]): [string, number] => [fullName, seeded.id]),
    [SEED.notInstalled.fullName, SEED.notInstalled.id],
  ];
  for (const [fullName, id] of repos) {
    const [login = '', name = ''] = fullName.split('/');
    const seed = {
      id,
      owner: accounts[login as keyof typeof accounts],
      name,
      description: `${name}, deployed by Spinnaker`,
      createdAt: '2023-05-01T09:00:00Z',
      pushedAt: '2024-01-01T00:00:00Z',
    };
    world.repos.set(fullName.toLowerCase(), {
      full: build.fullRepository(seed),
      summary: build.repository(seed),
      branches: new Map(),
      files: new Map(),
      workflows: [],
    });
    const seeded = (SEED.repos as Record<string, SeededRepo>)[fullName];
    seedFiles(world, login, name, seeded);
    if (seeded) seedRuns(world, login, name, seeded);
    if (seeded) {
      world.addDeployment({
        id: seeded.deployments.production,
        owner: login,
        repo: name,
        environment: 'production',
        ref: 'main',
        createdAt: '2024-01-04T00:00:00Z',
      });
      world.addDeployment({
        id: seeded.deployments.staging,
        owner: login,
        repo: name,
        environment: 'staging',
        ref: 'release/1.x',
        createdAt: '2024-01-05T00:00:00Z',
      });
    }
  }
  return world;
}

function seedFiles(world: World, owner: string, name: string, seeded: SeededRepo | undefined): void {
  const repo = world.repo(owner, name);
  if (!repo) return;
  const fullName = repo.full.full_name;
  if (seeded) {
    repo.workflows.push(
      build.workflow({ fullName, id: seeded.workflows.ci, name: 'CI', path: SEED.workflowPaths.ci }),
      build.workflow({ fullName, id: seeded.workflows.deploy, name: 'Deploy', path: SEED.workflowPaths.deploy }),
    );
  }
  world.setWorkflowFile(owner, name, 'README.md', 'main', README_MD);
  world.setWorkflowFile(owner, name, SEED.workflowPaths.ci, 'main', CI_YML);
  world.setWorkflowFile(owner, name, SEED.workflowPaths.deploy, 'main', DEPLOY_YML);
  world.setWorkflowFile(owner, name, SEED.workflowPaths.deploy, 'release/1.x', DEPLOY_RELEASE_YML);
  world.setWorkflowFile(owner, name, SEED.workflowPaths.smoke, 'main', SMOKE_YML);
  world.setWorkflowFile(owner, name, SEED.workflowPaths.release, 'main', RELEASE_YML);
}

function seedRuns(world: World, owner: string, repo: string, seeded: SeededRepo): void {
  const add = (
    id: number,
    run: {
      workflow: number;
      branch: string;
      event: string;
      title: string;
      day: number;
      status: RunStatus;
      conclusion: RunConclusion;
    },
    jobs: JobSpec[],
  ) => {
    world.addRun({
      id,
      owner,
      repo,
      workflow: run.workflow,
      branch: run.branch,
      event: run.event,
      displayTitle: run.title,
      status: run.status,
      conclusion: run.conclusion,
      createdAt: `2024-01-0${run.day}T00:00:00Z`,
      jobs,
    });
  };
  const { runs, jobs, workflows } = seeded;
  add(
    runs.success,
    {
      workflow: workflows.ci,
      branch: 'main',
      event: 'push',
      title: 'Update README.md',
      day: 1,
      status: 'completed',
      conclusion: 'success',
    },
    [
      { id: jobs.successBuild, name: 'build', steps: CI_BUILD },
      { id: jobs.successTest, name: 'test', steps: CI_TEST },
    ],
  );
  add(
    runs.failure,
    {
      workflow: workflows.deploy,
      branch: 'main',
      event: 'workflow_dispatch',
      title: 'Deploy',
      day: 2,
      status: 'completed',
      conclusion: 'failure',
    },
    [
      { id: jobs.failureBuild, name: 'build', steps: DEPLOY_BUILD, conclusion: 'success' },
      { id: jobs.failureDeploy, name: 'deploy', steps: DEPLOY_DEPLOY, conclusion: 'failure' },
    ],
  );
  add(
    runs.inProgress,
    {
      workflow: workflows.deploy,
      branch: 'release/1.x',
      event: 'workflow_dispatch',
      title: 'Deploy',
      day: 3,
      status: 'in_progress',
      conclusion: null,
    },
    [{ id: jobs.inProgressDeploy, name: 'deploy', steps: DEPLOY_DEPLOY }],
  );
}
