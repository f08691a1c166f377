import type {
  BranchDto,
  DeploymentDto,
  JobDto,
  RepositoryDto,
  RunDto,
  WorkflowDto,
  WorkflowInputsDto,
} from '../../src/api/types';

// Shaped as backend/src/github/githubReads.ts maps GitHub's payloads (docs/api.md), with values from GitHub's
// documented examples.

export const repositories: RepositoryDto[] = [
  {
    fullName: 'octo-org/app',
    owner: 'octo-org',
    name: 'app',
    private: true,
    defaultBranch: 'main',
    htmlUrl: 'https://github.com/octo-org/app',
  },
  {
    fullName: 'octo-org/infra',
    owner: 'octo-org',
    name: 'infra',
    private: false,
    defaultBranch: 'trunk',
    htmlUrl: 'https://github.com/octo-org/infra',
  },
];

export const workflows: WorkflowDto[] = [
  {
    id: 161335,
    name: 'Deploy',
    path: '.github/workflows/deploy.yml',
    fileName: 'deploy.yml',
    state: 'active',
    htmlUrl: 'https://github.com/octo-org/app/blob/main/.github/workflows/deploy.yml',
  },
  {
    id: 269289,
    name: 'CI',
    path: '.github/workflows/ci.yml',
    fileName: 'ci.yml',
    state: 'active',
    htmlUrl: 'https://github.com/octo-org/app/blob/main/.github/workflows/ci.yml',
  },
];

export const branches: BranchDto[] = [
  { name: 'main', sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e', protected: true },
  { name: 'release/1.x', sha: '7638417db6d59f3c431d3e1f261cc637155684cd', protected: true },
];

/** deploy.yml on main. */
export const deployInputsMain: WorkflowInputsDto = {
  workflow: 'deploy.yml',
  path: '.github/workflows/deploy.yml',
  ref: 'main',
  dispatchable: true,
  inputs: [
    {
      name: 'environment',
      type: 'choice',
      description: 'Where to deploy',
      required: true,
      default: 'staging',
      options: ['staging', 'production'],
    },
    { name: 'version', type: 'string', description: 'The image tag to deploy', required: true },
    { name: 'dry-run', type: 'boolean', description: 'Plan without applying', required: false, default: false },
    { name: 'replicas', type: 'number', required: false, default: 2 },
    // docs/orca.md: the workflow declares it so the backend can find the run it started.
    {
      name: 'spinnaker_correlation_id',
      type: 'string',
      description: 'Set by Spinnaker to find this run',
      required: false,
    },
  ],
};

/** deploy.yml on release/1.x, before `version` and `dry-run` existed. */
export const deployInputsRelease: WorkflowInputsDto = {
  workflow: 'deploy.yml',
  path: '.github/workflows/deploy.yml',
  ref: 'release/1.x',
  dispatchable: true,
  inputs: [
    { name: 'environment', type: 'choice', required: true, default: 'staging', options: ['staging'] },
    { name: 'legacy-mode', type: 'boolean', description: 'Use the 1.x deploy scripts', required: false, default: true },
  ],
};

/** ci.yml runs on push only. */
export const ciInputsMain: WorkflowInputsDto = {
  workflow: 'ci.yml',
  path: '.github/workflows/ci.yml',
  ref: 'main',
  dispatchable: false,
  inputs: [],
};

export const run: RunDto = {
  id: 30433642,
  name: 'Deploy',
  displayTitle: 'Deploy v1.4.2 to staging',
  runNumber: 562,
  runAttempt: 1,
  event: 'workflow_dispatch',
  status: 'in_progress',
  conclusion: null,
  headBranch: 'main',
  headSha: 'acb5820ced9479c074f688cc328bf03f341a511d',
  htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433642',
  workflowId: 161335,
  workflowPath: '.github/workflows/deploy.yml',
  createdAt: '2025-01-20T09:42:07Z',
  startedAt: '2025-01-20T09:42:07Z',
  updatedAt: '2025-01-20T09:43:19Z',
};

export const jobs: JobDto[] = [
  {
    id: 399444496,
    runId: 30433642,
    name: 'build',
    status: 'completed',
    conclusion: 'success',
    startedAt: '2025-01-20T09:42:10Z',
    completedAt: '2025-01-20T09:43:02Z',
    htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433642/job/399444496',
    steps: [
      {
        number: 1,
        name: 'Set up job',
        status: 'completed',
        conclusion: 'success',
        startedAt: '2025-01-20T09:42:10Z',
        completedAt: '2025-01-20T09:42:12Z',
      },
    ],
  },
  {
    id: 399444497,
    runId: 30433642,
    name: 'deploy',
    status: 'in_progress',
    conclusion: null,
    startedAt: '2025-01-20T09:43:05Z',
    completedAt: null,
    htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433642/job/399444497',
    steps: [],
  },
];

const completedRun = (
  fields: Partial<RunDto> & Pick<RunDto, 'id' | 'runNumber' | 'headBranch' | 'headSha' | 'conclusion'>,
) => {
  const deploy = !fields.workflowPath || fields.workflowPath.endsWith('deploy.yml');
  return {
    ...run,
    name: deploy ? 'Deploy' : 'CI',
    displayTitle: `Merge pull request #${fields.runNumber + 1000} from octo-org/${fields.headBranch}`,
    event: 'push',
    status: 'completed',
    htmlUrl: `https://github.com/octo-org/app/actions/runs/${fields.id}`,
    workflowId: deploy ? 161335 : 269289,
    ...fields,
  } satisfies RunDto;
};

/** Recent runs of octo-org/app, newest first, as GET /api/repos/octo-org/app/runs answers. */
export const recentRuns: RunDto[] = [
  {
    ...run,
    id: 30433700,
    runNumber: 566,
    event: 'push',
    displayTitle: 'Merge pull request #1566 from octo-org/main-menu-fix',
    htmlUrl: 'https://github.com/octo-org/app/actions/runs/30433700',
  },
  completedRun({
    id: 30433690,
    runNumber: 565,
    headSha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
    headBranch: 'main',
    conclusion: 'success',
  }),
  completedRun({
    id: 30433680,
    runNumber: 564,
    headSha: 'c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc',
    headBranch: 'main',
    conclusion: 'failure',
  }),
  completedRun({
    id: 30433670,
    runNumber: 563,
    headSha: '7638417db6d59f3c431d3e1f261cc637155684cd',
    headBranch: 'release/1.x',
    conclusion: 'success',
  }),
  completedRun({
    id: 30433660,
    runNumber: 562,
    headSha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    headBranch: 'feature/main-menu',
    conclusion: 'success',
  }),
  completedRun({
    id: 30433650,
    runNumber: 88,
    headSha: 'b7c4e3f1a2d5968e0b3c2d1e4f5a6b7c8d9e0f1a',
    headBranch: 'main',
    conclusion: 'success',
    workflowPath: '.github/workflows/ci.yml',
  }),
];

/** Recent deployments of octo-org/app, newest first, as GET /api/repos/octo-org/app/deployments answers. */
export const deployments: DeploymentDto[] = [
  {
    id: 1296269,
    environment: 'production',
    ref: 'v1.4.2',
    sha: 'a84d88e7554fc1fa21bcbc4efae3c782a70d2b9d',
    task: 'deploy',
    description: 'Deploy request from hubot',
    creator: 'octocat',
    createdAt: '2025-01-20T10:02:11Z',
  },
  {
    id: 1296268,
    environment: 'staging',
    ref: 'main',
    sha: 'acb5820ced9479c074f688cc328bf03f341a511d',
    task: 'deploy',
    description: null,
    creator: 'github-actions[bot]',
    createdAt: '2025-01-20T09:45:40Z',
  },
  {
    id: 1296267,
    environment: 'staging-eu',
    ref: 'feature/main-menu',
    sha: '7638417db6d59f3c431d3e1f261cc637155684cd',
    task: 'deploy',
    description: null,
    creator: 'octocat',
    createdAt: '2025-01-19T16:20:03Z',
  },
];
