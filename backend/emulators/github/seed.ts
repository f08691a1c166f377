/** The simulated GitHub's starting data. Every id here is stable, so tests may use them directly. */

export interface SeededRepo {
  id: number;
  workflows: { ci: number; deploy: number };
  runs: { success: number; failure: number; inProgress: number };
  jobs: {
    successBuild: number;
    successTest: number;
    failureBuild: number;
    failureDeploy: number;
    inProgressDeploy: number;
  };
  deployments: { production: number; staging: number };
}

const seededRepo = (id: number, n: number): SeededRepo => ({
  id,
  workflows: { ci: 2001 + 10 * n, deploy: 2002 + 10 * n },
  runs: { success: 3001 + 10 * n, failure: 3002 + 10 * n, inProgress: 3003 + 10 * n },
  jobs: {
    successBuild: 4001 + 10 * n,
    successTest: 4002 + 10 * n,
    failureBuild: 4003 + 10 * n,
    failureDeploy: 4004 + 10 * n,
    inProgressDeploy: 4005 + 10 * n,
  },
  deployments: { production: 7001 + 10 * n, staging: 7002 + 10 * n },
});

export const SEED = {
  app: { id: 1, slug: 'spinnaker-github', name: 'Spinnaker GitHub' },
  accounts: {
    octocat: { id: 1, type: 'User' },
    'octo-org': { id: 100, type: 'Organization' },
  },
  installations: {
    org: { id: 11, account: 'octo-org', repositories: ['octo-org/hello-world', 'octo-org/deploy-service'] },
    user: { id: 12, account: 'octocat', repositories: ['octocat/Hello-World'] },
  },
  repos: {
    'octo-org/hello-world': seededRepo(1001, 0),
    'octo-org/deploy-service': seededRepo(1002, 1),
    'octocat/Hello-World': seededRepo(1296269, 2),
  },
  /** Exists, with branches and files, but no installation covers it. */
  notInstalled: { fullName: 'octo-org/not-installed', id: 1003 },
  branches: ['main', 'release/1.x'],
  workflowPaths: {
    ci: '.github/workflows/ci.yml',
    deploy: '.github/workflows/deploy.yml',
    smoke: '.github/workflows/smoke.yml',
    release: '.github/workflows/release.yml',
  },
  /** What an installation token may do (GitHub App permissions). */
  permissions: { actions: 'write', checks: 'write', contents: 'read', deployments: 'write', metadata: 'read' },
} as const;

export const CI_YML = `name: CI

on:
  push:
    branches: [main]
  pull_request:

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm run build
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci
      - run: npm test
`;

/** On the default branch: one input of every `workflow_dispatch` input type. */
export const DEPLOY_YML = `name: Deploy

on:
  workflow_dispatch:
    inputs:
      version:
        description: Version to deploy
        type: string
        default: latest
      region:
        description: Region to deploy to
        type: choice
        required: true
        options:
          - us-east-1
          - eu-west-1
          - ap-southeast-2
      dry_run:
        description: Only show what would change
        type: boolean
        default: false
      replicas:
        description: Number of replicas
        type: number
      environment:
        description: Environment to deploy to
        type: environment

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    steps:
      - uses: actions/checkout@v4
      - name: Deploy
        run: ./scripts/deploy.sh "\${{ inputs.version }}" "\${{ inputs.region }}"
`;

/** On release/1.x the same workflow asks for other inputs, so inputs must be read at the chosen ref. */
export const DEPLOY_RELEASE_YML = `name: Deploy

on:
  workflow_dispatch:
    inputs:
      tag:
        description: Release tag to deploy
        type: string
        required: true
      notify:
        description: Post to the release channel
        type: boolean
        default: true

jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/deploy.sh "\${{ inputs.tag }}"
`;

export const README_MD = '# hello-world\n\nDeployed by Spinnaker.\n';

/** Declares the correlation input and names its runs after it, as docs/stage.md asks of workflows on servers without run details. */
export const SMOKE_YML = `name: Smoke test
run-name: Smoke test \${{ inputs.target }} [\${{ inputs.spinnaker_correlation_id }}]

on:
  workflow_dispatch:
    inputs:
      target:
        description: What to test
        type: string
        required: true
      spinnaker_correlation_id:
        description: Set by Spinnaker to find this run
        type: string

jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/smoke.sh "\${{ inputs.target }}"
`;

/** Started by repository_dispatch; the run name carries the correlation id from the client payload. */
export const RELEASE_YML = `name: Release
run-name: Release \${{ github.event.client_payload.version }} [\${{ github.event.client_payload.spinnaker_correlation_id }}]

on:
  repository_dispatch:
    types: [release]

jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: ./scripts/publish.sh "\${{ github.event.client_payload.version }}"
`;
