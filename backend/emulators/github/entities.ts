import { createHash } from 'node:crypto';
import { componentExample } from './openapi.js';
import type {
  Account,
  Artifact,
  CheckRun,
  ContentFile,
  Deployment,
  DeploymentStatus,
  FullRepository,
  Installation,
  Integration,
  Job,
  Repository,
  Workflow,
  WorkflowRun,
} from './types.js';

/**
 * GitHub objects built from the description's own examples (`#/components/examples`), renamed to
 * the simulated world. URLs are written for https://api.github.com; the simulator rewrites them for another base URL.
 */

export const API = 'https://api.github.com';
export const WEB = 'https://github.com';

/** The legacy global node id, e.g. `MDEwOlJlcG9zaXRvcnkxMjk2MjY5` for Repository 1296269. */
export const nodeId = (type: string, id: number) => Buffer.from(`0${type.length}:${type}${id}`).toString('base64');

export const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Git's blob id for a file's content, which GitHub reports as the content `sha`. */
export const blobSha = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0`)
    .update(content)
    .digest('hex');

function renamed<T>(value: T, pairs: [from: string, to: string][]): T {
  let json = JSON.stringify(value);
  for (const [from, to] of pairs) json = json.split(from).join(to);
  return JSON.parse(json) as T;
}

export function account(login: string, id: number, type: 'User' | 'Organization' | 'Bot'): Account {
  const octocat = componentExample<Integration>('integration').owner as Account;
  return { ...renamed(octocat, [['octocat', login]]), id, node_id: nodeId(type, id), type };
}

export function integration(options: {
  id: number;
  slug: string;
  name: string;
  owner: Account;
  permissions: Integration['permissions'];
  events: string[];
  installationsCount: number;
}): Integration {
  return {
    ...componentExample<Integration>('integration'),
    id: options.id,
    slug: options.slug,
    node_id: nodeId('Integration', options.id),
    client_id: `Iv23li${sha1(options.slug).slice(0, 14)}`,
    owner: options.owner,
    name: options.name,
    description: 'Runs GitHub Actions workflows from Spinnaker pipelines',
    external_url: 'https://spinnaker.example.com',
    html_url: `${WEB}/apps/${options.slug}`,
    permissions: options.permissions,
    events: options.events,
    installations_count: options.installationsCount,
  };
}

export function installation(options: {
  id: number;
  account: Account;
  app: Integration;
  repositorySelection: 'all' | 'selected';
}): Installation {
  const { id, account: owner, app } = options;
  return {
    ...componentExample<Installation>('installation'),
    id,
    account: owner,
    repository_selection: options.repositorySelection,
    access_tokens_url: `${API}/app/installations/${id}/access_tokens`,
    repositories_url: `${API}/installation/repositories`,
    html_url:
      owner.type === 'Organization'
        ? `${WEB}/organizations/${owner.login}/settings/installations/${id}`
        : `${WEB}/settings/installations/${id}`,
    app_id: app.id,
    app_slug: app.slug ?? '',
    client_id: app.client_id,
    target_id: Number(owner.id),
    target_type: owner.type,
    permissions: app.permissions as Installation['permissions'],
    events: app.events,
    created_at: '2023-06-01T12:00:00Z',
    updated_at: '2023-06-01T12:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

interface RepositorySeed {
  id: number;
  owner: Account;
  name: string;
  description: string;
  createdAt: string;
  pushedAt: string;
}

function repositoryFields(seed: RepositorySeed) {
  const fullName = `${seed.owner.login}/${seed.name}`;
  return {
    id: seed.id,
    node_id: nodeId('Repository', seed.id),
    name: seed.name,
    full_name: fullName,
    owner: seed.owner,
    private: true,
    visibility: 'private',
    description: seed.description,
    fork: false,
    homepage: null,
    language: 'TypeScript',
    default_branch: 'main',
    is_template: false,
    topics: ['spinnaker', 'deploy'],
    created_at: seed.createdAt,
    updated_at: seed.pushedAt,
    pushed_at: seed.pushedAt,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

/** The `repository` shape that GET /installation/repositories lists. */
export function repository(seed: RepositorySeed): Repository {
  const example = componentExample<{ repositories: Record<string, unknown>[] }>('repository-paginated').repositories[0];
  const { template_repository: _template, ...base } = renamed(example ?? {}, [
    ['octocat/Hello-World', `${seed.owner.login}/${seed.name}`],
  ]);
  return { ...base, ...repositoryFields(seed) } as Repository;
}

/** The `full-repository` shape of GET /repos/{owner}/{repo}. */
export function fullRepository(seed: RepositorySeed): FullRepository {
  const example = componentExample<Record<string, unknown>>('full-repository-default-response');
  const {
    parent: _parent,
    source: _source,
    template_repository: _template,
    organization: _org,
    ...base
  } = renamed(example, [['octocat/Hello-World', `${seed.owner.login}/${seed.name}`]]);
  return {
    ...base,
    ...repositoryFields(seed),
    ...(seed.owner.type === 'Organization' ? { organization: seed.owner } : {}),
    has_discussions: false,
    network_count: 0,
    subscribers_count: 3,
  } as FullRepository;
}

export function workflow(options: { fullName: string; id: number; name: string; path: string }): Workflow {
  const { fullName, id, name, path } = options;
  return {
    ...componentExample<Workflow>('workflow'),
    id,
    node_id: nodeId('Workflow', id),
    name,
    path,
    state: 'active',
    created_at: '2023-06-01T12:00:00.000Z',
    updated_at: '2023-06-01T12:00:00.000Z',
    url: `${API}/repos/${fullName}/actions/workflows/${id}`,
    html_url: `${WEB}/${fullName}/blob/main/${path}`,
    badge_url: `${WEB}/${fullName}/workflows/${encodeURIComponent(name)}/badge.svg`,
  };
}

export interface RunSeed {
  id: number;
  runNumber: number;
  repository: Repository;
  workflow: Workflow;
  event: string;
  headBranch: string;
  headSha: string;
  displayTitle: string;
  actor: Account;
  status: NonNullable<WorkflowRun['status']>;
  conclusion: WorkflowRun['conclusion'];
  createdAt: string;
  updatedAt: string;
}

export function workflowRun(seed: RunSeed): WorkflowRun {
  const fullName = seed.repository.full_name;
  const api = `${API}/repos/${fullName}`;
  const example = componentExample<WorkflowRun>('workflow-run');
  const minimal = {
    ...example.repository,
    ...pick(seed.repository, ['id', 'node_id', 'name', 'full_name', 'owner', 'private', 'description', 'fork']),
  };
  const repo = renamed(minimal, [['octocat/Hello-World', fullName]]);
  return {
    ...renamed(example, [['octo-org/octo-repo', fullName]]),
    id: seed.id,
    name: seed.workflow.name,
    node_id: nodeId('WorkflowRun', seed.id),
    check_suite_id: seed.id + 500_000,
    check_suite_node_id: nodeId('CheckSuite', seed.id + 500_000),
    head_branch: seed.headBranch,
    head_sha: seed.headSha,
    path: seed.workflow.path,
    run_number: seed.runNumber,
    run_attempt: 1,
    event: seed.event,
    display_title: seed.displayTitle,
    status: seed.status,
    conclusion: seed.conclusion,
    workflow_id: seed.workflow.id,
    url: `${api}/actions/runs/${seed.id}`,
    html_url: `${WEB}/${fullName}/actions/runs/${seed.id}`,
    jobs_url: `${api}/actions/runs/${seed.id}/jobs`,
    logs_url: `${api}/actions/runs/${seed.id}/logs`,
    check_suite_url: `${api}/check-suites/${seed.id + 500_000}`,
    artifacts_url: `${api}/actions/runs/${seed.id}/artifacts`,
    cancel_url: `${api}/actions/runs/${seed.id}/cancel`,
    rerun_url: `${api}/actions/runs/${seed.id}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${api}/actions/workflows/${seed.workflow.id}`,
    pull_requests: [],
    referenced_workflows: [],
    created_at: seed.createdAt,
    updated_at: seed.updatedAt,
    run_started_at: seed.createdAt,
    actor: seed.actor,
    triggering_actor: seed.actor,
    head_commit: {
      id: seed.headSha,
      tree_id: sha1(`tree ${seed.headSha}`),
      message: seed.displayTitle,
      timestamp: seed.createdAt,
      author: { name: 'Mona Lisa Octocat', email: 'mona@example.com' },
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    },
    repository: repo,
    head_repository: repo,
  };
}

type Step = NonNullable<Job['steps']>[number];

export interface StepSeed {
  name: string;
  status: Step['status'];
  conclusion: Step['conclusion'];
  startedAt: string | null;
  completedAt: string | null;
}

export function job(options: {
  id: number;
  run: WorkflowRun;
  name: string;
  status: Job['status'];
  conclusion: Job['conclusion'];
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  steps: StepSeed[];
}): Job {
  const { id, run } = options;
  const fullName = run.repository.full_name;
  return {
    ...componentExample<Job>('job'),
    id,
    run_id: run.id,
    run_url: run.url,
    run_attempt: run.run_attempt ?? 1,
    node_id: nodeId('CheckRun', id),
    head_sha: run.head_sha,
    head_branch: run.head_branch,
    workflow_name: run.name ?? null,
    url: `${API}/repos/${fullName}/actions/jobs/${id}`,
    html_url: `${WEB}/${fullName}/actions/runs/${run.id}/job/${id}`,
    check_run_url: `${API}/repos/${fullName}/check-runs/${id}`,
    name: options.name,
    status: options.status,
    conclusion: options.conclusion,
    created_at: options.createdAt,
    started_at: options.startedAt,
    completed_at: options.completedAt,
    labels: ['ubuntu-latest'],
    runner_id: options.status === 'queued' ? null : 1,
    runner_name: options.status === 'queued' ? null : 'GitHub Actions 1',
    runner_group_id: options.status === 'queued' ? null : 2,
    runner_group_name: options.status === 'queued' ? null : 'GitHub Actions',
    steps: options.steps.map((step, i) => ({
      number: i + 1,
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      started_at: step.startedAt,
      completed_at: step.completedAt,
    })),
  };
}

/** GET /repos/{owner}/{repo}/contents/{path} for a file; base64 wrapped at 60 characters as GitHub sends it. */
export function contentFile(options: { fullName: string; path: string; ref: string; content: string }): ContentFile {
  const { fullName, path, ref, content } = options;
  const sha = blobSha(content);
  const self = `${API}/repos/${fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${API}/repos/${fullName}/git/blobs/${sha}`;
  const html = `${WEB}/${fullName}/blob/${ref}/${path}`;
  const base64 = Buffer.from(content).toString('base64');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(content),
    name: path.split('/').pop() ?? path,
    path,
    content: `${base64.replace(/.{60}/g, '$&\n')}\n`,
    sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: `https://raw.githubusercontent.com/${fullName}/${ref}/${path}`,
    _links: { self, git, html },
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

export function deployment(options: {
  id: number;
  fullName: string;
  ref: string;
  sha: string;
  environment: string;
  creator: Account;
  createdAt: string;
}): Deployment {
  const { id, fullName } = options;
  const api = `${API}/repos/${fullName}`;
  return {
    ...componentExample<Deployment>('deployment'),
    id,
    node_id: nodeId('Deployment', id),
    url: `${api}/deployments/${id}`,
    sha: options.sha,
    ref: options.ref,
    task: 'deploy',
    payload: {},
    original_environment: options.environment,
    environment: options.environment,
    description: `Deploy ${options.ref} to ${options.environment}`,
    creator: options.creator,
    created_at: options.createdAt,
    updated_at: options.createdAt,
    statuses_url: `${api}/deployments/${id}/statuses`,
    repository_url: api,
    transient_environment: false,
    production_environment: options.environment === 'production',
  };
}

export function deploymentStatus(options: {
  id: number;
  deployment: Deployment;
  fullName: string;
  state: DeploymentStatus['state'];
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  creator: Account;
  createdAt: string;
}): DeploymentStatus {
  const { id, deployment: parent, fullName } = options;
  return {
    ...componentExample<DeploymentStatus>('deployment-status'),
    id,
    node_id: nodeId('DeploymentStatus', id),
    url: `${parent.url}/statuses/${id}`,
    state: options.state,
    creator: options.creator,
    description: options.description,
    environment: options.environment,
    target_url: options.logUrl,
    log_url: options.logUrl,
    // Optional, with default "" that its own `format: uri` refuses: left out when not set.
    ...(options.environmentUrl ? { environment_url: options.environmentUrl } : { environment_url: undefined }),
    created_at: options.createdAt,
    updated_at: options.createdAt,
    deployment_url: parent.url,
    repository_url: `${API}/repos/${fullName}`,
  } as DeploymentStatus;
}

/** An artifact of a run, from the description's `artifact` example. */
export function artifact(options: {
  id: number;
  name: string;
  sizeInBytes: number;
  run: WorkflowRun;
  createdAt: string;
  expired?: boolean;
}): Artifact {
  const { run } = options;
  const fullName = run.repository.full_name;
  const api = `${API}/repos/${fullName}/actions/artifacts/${options.id}`;
  const expires = new Date(Date.parse(options.createdAt) + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    ...componentExample<Artifact>('artifact'),
    id: options.id,
    node_id: nodeId('Artifact', options.id),
    name: options.name,
    size_in_bytes: options.sizeInBytes,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: options.expired ?? false,
    created_at: options.createdAt,
    updated_at: options.createdAt,
    expires_at: expires,
    digest: `sha256:${createHash('sha256').update(`${options.id}`).digest('hex')}`,
    workflow_run: {
      id: Number(run.id),
      repository_id: Number(run.repository.id),
      head_repository_id: Number(run.repository.id),
      head_branch: run.head_branch ?? undefined,
      head_sha: run.head_sha,
    },
  };
}

/** A check run, from the description's `check-run-example-of-in-progress-conclusion` example. */
export function checkRun(options: {
  id: number;
  fullName: string;
  headSha: string;
  name: string;
  app: Integration;
  checkSuiteId: number;
  createdAt: string;
}): CheckRun {
  const { id, fullName } = options;
  return {
    ...componentExample<CheckRun>('check-run-example-of-in-progress-conclusion'),
    id,
    node_id: nodeId('CheckRun', id),
    head_sha: options.headSha,
    name: options.name,
    external_id: '',
    url: `${API}/repos/${fullName}/check-runs/${id}`,
    html_url: `${WEB}/${fullName}/runs/${id}`,
    details_url: options.app.html_url,
    status: 'queued',
    conclusion: null,
    started_at: options.createdAt,
    completed_at: null,
    output: {
      title: null,
      summary: null,
      text: null,
      annotations_count: 0,
      annotations_url: `${API}/repos/${fullName}/check-runs/${id}/annotations`,
    },
    check_suite: { id: options.checkSuiteId },
    app: options.app,
    pull_requests: [],
  };
}
