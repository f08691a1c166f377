import { appKeyPair, type IssuedToken } from './auth.js';
import * as build from './entities.js';
import { jobLogText } from './logs.js';
import type {
  Artifact,
  CheckRun,
  Deployment,
  DeploymentStatus,
  Account,
  FullRepository,
  Installation,
  Integration,
  Job,
  Repository,
  RunConclusion,
  RunStatus,
  Workflow,
  WorkflowRun,
} from './types.js';
import { parseWorkflow } from './workflowFile.js';

export interface RepoState {
  full: FullRepository;
  summary: Repository;
  /** Branch name to head commit sha. */
  branches: Map<string, string>;
  /** Branch name to (path to file content). */
  files: Map<string, Map<string, string>>;
  workflows: Workflow[];
}

export interface InstallationState {
  data: Installation;
  /** Full names of the repositories the installation covers. */
  repositories: string[];
}

export interface JobSpec {
  /** Defaults to the next free job id. */
  id?: number;
  name: string;
  status?: Job['status'];
  conclusion?: Job['conclusion'];
  /** Step titles; defaults to the job's steps in the workflow file. */
  steps?: string[];
  log?: string;
}

export interface AddRunOptions {
  /** Defaults to the next free run id. */
  id?: number;
  owner: string;
  repo: string;
  /** Workflow id or file name, e.g. `deploy.yml`. */
  workflow: number | string;
  branch?: string;
  event?: string;
  status?: RunStatus;
  conclusion?: RunConclusion;
  displayTitle?: string;
  /** Who started the run; defaults to octocat. */
  actor?: Account;
  /** Defaults to the jobs of the workflow file at `branch`. */
  jobs?: JobSpec[];
  createdAt?: string;
}

/** A `workflow_dispatch` GitHub accepted, as sent. */
export interface Dispatch {
  repo: string;
  workflowId: number;
  ref: string;
  inputs: Record<string, unknown>;
  runId: number;
}

/** What changed in a run or job, for the `workflow_run` and `workflow_job` events the simulator sends (events.ts). */
export type WorldChange =
  | { kind: 'run'; runId: number; action: 'requested' | 'in_progress' | 'completed' }
  | { kind: 'job'; jobId: number; action: 'queued' | 'in_progress' | 'completed' };

const key = (fullName: string) => fullName.toLowerCase();
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The simulated GitHub's state. Lookups are case-insensitive on owner/repo, as GitHub's are. */
export class World {
  readonly app: Integration & { privateKey: string };
  readonly accounts = new Map<string, Account>();
  readonly installations = new Map<number, InstallationState>();
  readonly repos = new Map<string, RepoState>();
  readonly runs = new Map<number, { repo: string; run: WorkflowRun; jobIds: number[] }>();
  readonly jobs = new Map<number, { repo: string; job: Job; log?: string }>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly dispatches: Dispatch[] = [];
  /** Artifacts by id, each with its zip archive. */
  readonly artifacts = new Map<number, { repo: string; runId: number; artifact: Artifact; zip: Uint8Array }>();
  readonly deployments = new Map<number, { repo: string; deployment: Deployment; statuses: DeploymentStatus[] }>();
  /** Check runs by id, in the order they were created. */
  readonly checkRuns = new Map<number, { repo: string; checkRun: CheckRun }>();
  /**
   * The status a dispatch naming `return_run_details` is refused with; unset where the key is known. GitHub Enterprise
   * Server releases before 3.21 validate the body against their own description, which lacks the key
   * (@octokit/openapi `ghes-3.19.json`), and refuse it with 422, older ones possibly with 400.
   */
  runDetailsRefusal?: 400 | 422;
  /** Told of each change to a run or its jobs, in the order GitHub sends the events. */
  onChange?: (change: WorldChange) => void;
  // Like GitHub's, ids are never reused, not even by a fresh world: stores that outlive a test keep theirs.
  private static nextRunId = 50_001;
  private static nextJobId = 60_001;
  private static nextDeploymentId = 70_001;
  private static nextStatusId = 80_001;
  private static nextArtifactId = 90_001;
  private static nextCheckRunId = 100_001;

  constructor(app: Integration) {
    this.app = { ...app, privateKey: appKeyPair().privateKey };
  }

  /** The App's bot user, the actor of everything done with an installation token: `<slug>[bot]`. */
  get bot(): Account {
    const slug = this.app.slug ?? 'app';
    const login = `${slug}[bot]`;
    const account = build.account(login, 900_000 + this.app.id, 'Bot');
    // In URLs GitHub writes the login percent-encoded, and the profile page is the App's page.
    const urls = JSON.parse(JSON.stringify(account).split(login).join(encodeURIComponent(login))) as Account;
    return {
      ...urls,
      login,
      html_url: `https://github.com/apps/${slug}`,
      avatar_url: `https://avatars.githubusercontent.com/in/${this.app.id}?v=4`,
    };
  }

  repo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(key(`${owner}/${name}`));
  }

  installationOf(fullName: string): InstallationState | undefined {
    return [...this.installations.values()].find((i) => i.repositories.some((r) => key(r) === key(fullName)));
  }

  /** A branch (`main`, `refs/heads/main`) or a commit sha of one of the branches. */
  resolveRef(repo: RepoState, ref: string): { branch: string; sha: string } | undefined {
    const name = ref.replace(/^refs\/heads\//, '');
    const sha = repo.branches.get(name);
    if (sha) return { branch: name, sha };
    const bySha = [...repo.branches].find(([, head]) => head === ref);
    return bySha && { branch: bySha[0], sha: bySha[1] };
  }

  workflow(repo: RepoState, id: number | string): Workflow | undefined {
    return repo.workflows.find((w) => String(w.id) === String(id) || w.path.split('/').pop() === String(id));
  }

  /** Writes a file on a branch (creating the branch from the default one), as a new commit. */
  setWorkflowFile(owner: string, name: string, path: string, ref: string, content: string): void {
    const repo = this.mustRepo(owner, name);
    const branch = ref.replace(/^refs\/heads\//, '');
    const files = repo.files.get(branch) ?? new Map(repo.files.get(repo.full.default_branch));
    files.set(path, content);
    repo.files.set(branch, files);
    repo.branches.set(branch, build.sha1(`${repo.branches.get(branch) ?? ''}${path}${content}`));
    if (path.startsWith('.github/workflows/') && !repo.workflows.some((w) => w.path === path)) {
      const id = Math.max(0, ...[...this.repos.values()].flatMap((r) => r.workflows.map((w) => Number(w.id)))) + 1;
      const title = parseWorkflow(content).name ?? path;
      repo.workflows.push(build.workflow({ fullName: repo.full.full_name, id, name: title, path }));
    }
  }

  addRun(options: AddRunOptions): WorkflowRun {
    const repo = this.mustRepo(options.owner, options.repo);
    const workflow = this.workflow(repo, options.workflow);
    if (!workflow) throw new Error(`No workflow ${options.workflow} in ${options.owner}/${options.repo}`);
    const ref = this.resolveRef(repo, options.branch ?? repo.full.default_branch);
    if (!ref) throw new Error(`No branch ${options.branch} in ${options.owner}/${options.repo}`);
    const createdAt = options.createdAt ?? iso(Date.now());
    const status = options.status ?? 'queued';
    const runNumber = 1 + [...this.runs.values()].filter((r) => r.run.workflow_id === workflow.id).length;
    const run = build.workflowRun({
      id: options.id ?? World.nextRunId++,
      runNumber,
      repository: repo.summary,
      workflow,
      event: options.event ?? 'workflow_dispatch',
      headBranch: ref.branch,
      headSha: ref.sha,
      displayTitle: options.displayTitle ?? workflow.name,
      actor: options.actor ?? this.accounts.get('octocat') ?? repo.full.owner,
      status,
      conclusion: options.conclusion ?? null,
      createdAt,
      updatedAt: createdAt,
    });
    const file = repo.files.get(ref.branch)?.get(workflow.path) ?? '';
    const specs = options.jobs ?? parseWorkflow(file).jobs.map((j) => ({ name: j.name, steps: j.steps }));
    const state = { repo: key(repo.full.full_name), run, jobIds: [] as number[] };
    this.runs.set(Number(run.id), state);
    for (const spec of specs) state.jobIds.push(Number(this.addJob(run, workflow.path, spec).id));
    this.onChange?.({ kind: 'run', runId: Number(run.id), action: 'requested' });
    for (const jobId of state.jobIds) this.jobChanged(jobId);
    return run;
  }

  private addJob(run: WorkflowRun, workflowPath: string, spec: JobSpec): Job {
    const status =
      spec.status ?? (run.status === 'completed' ? 'completed' : run.status === 'queued' ? 'queued' : 'in_progress');
    const conclusion = spec.conclusion ?? ((status === 'completed' ? run.conclusion : null) as Job['conclusion']);
    const start = Date.parse(run.created_at) + 5000;
    const titles = spec.steps ?? ['Set up job', 'Run actions/checkout@v4', `Run ${spec.name}`, 'Complete job'];
    // The step before "Complete job" is the one that fails; an in-progress job is running its third step.
    const failing = conclusion === 'failure' ? titles.length - 2 : -1;
    const running = status === 'in_progress' ? Math.min(2, titles.length - 1) : titles.length;
    const steps = titles.map(
      (name, i) =>
        ({
          name,
          status: i < running ? 'completed' : i === running ? 'in_progress' : 'queued',
          conclusion: i >= running ? null : i === failing ? 'failure' : 'success',
          startedAt: i <= running ? iso(start + i * 5000) : null,
          completedAt: i < running ? iso(start + i * 5000 + 4000) : null,
        }) as const,
    );
    const job = build.job({
      id: spec.id ?? World.nextJobId++,
      run,
      name: spec.name,
      status,
      conclusion,
      createdAt: iso(start - 5000),
      startedAt: iso(start),
      completedAt: status === 'completed' ? iso(start + titles.length * 5000) : null,
      steps: status === 'queued' ? [] : steps,
    });
    const repo = run.repository.full_name;
    const log = spec.log ?? (status === 'queued' ? undefined : jobLogText(job, { repo, workflowPath }));
    this.jobs.set(Number(job.id), { repo: key(repo), job, log });
    return job;
  }

  /** Moves a run on; its unfinished jobs follow (queued → in_progress → completed with the run's conclusion). */
  setRunStatus(runId: number, status: RunStatus, conclusion: RunConclusion = null): void {
    const state = this.runs.get(runId);
    if (!state) throw new Error(`No run ${runId}`);
    Object.assign(state.run, { status, conclusion, updated_at: iso(Date.now()) });
    if (status === 'in_progress') this.onChange?.({ kind: 'run', runId, action: 'in_progress' });
    for (const jobId of state.jobIds) {
      const current = this.jobs.get(jobId)?.job;
      if (!current || current.status === 'completed') continue;
      const steps = current.steps?.length ? current.steps.map((s) => s.name) : undefined;
      this.addJob(state.run, state.run.path, { id: jobId, name: current.name, steps });
      this.jobChanged(jobId);
    }
    // GitHub reports a run completed after its jobs.
    if (status === 'completed') this.onChange?.({ kind: 'run', runId, action: 'completed' });
  }

  /** Ends one job (and its unfinished steps) while its run goes on, as one job of a matrix or of a `needs` graph ends. */
  completeJob(jobId: number, conclusion: 'success' | 'failure' | 'cancelled'): void {
    const job = this.jobs.get(jobId)?.job;
    if (!job) throw new Error(`No job ${jobId}`);
    const completedAt = iso(Date.now());
    Object.assign(job, { status: 'completed', conclusion, completed_at: completedAt });
    for (const step of job.steps ?? []) {
      if (step.status !== 'completed')
        Object.assign(step, { status: 'completed', conclusion, completed_at: completedAt });
    }
    this.jobChanged(jobId);
  }

  private jobChanged(jobId: number): void {
    const status = this.jobs.get(jobId)?.job.status;
    if (status === 'queued' || status === 'in_progress' || status === 'completed') {
      this.onChange?.({ kind: 'job', jobId, action: status });
    }
  }

  addDeployment(options: {
    id?: number;
    owner: string;
    repo: string;
    environment: string;
    ref: string;
    createdAt?: string;
  }): Deployment {
    const repo = this.mustRepo(options.owner, options.repo);
    const at = this.resolveRef(repo, options.ref);
    const deployment = build.deployment({
      id: options.id ?? World.nextDeploymentId++,
      fullName: repo.full.full_name,
      ref: options.ref,
      sha: at?.sha ?? build.sha1(options.ref),
      environment: options.environment,
      creator: this.accounts.get('octocat') ?? repo.full.owner,
      createdAt: options.createdAt ?? iso(Date.now()),
    });
    this.deployments.set(Number(deployment.id), { repo: key(repo.full.full_name), deployment, statuses: [] });
    return deployment;
  }

  addDeploymentStatus(
    deploymentId: number,
    status: {
      state: DeploymentStatus['state'];
      description?: string;
      logUrl?: string;
      environmentUrl?: string;
      environment?: string;
    },
    creator: Account,
  ): DeploymentStatus {
    const state = this.deployments.get(deploymentId);
    if (!state) throw new Error(`No deployment ${deploymentId}`);
    const created = build.deploymentStatus({
      id: World.nextStatusId++,
      deployment: state.deployment,
      fullName: state.deployment.repository_url.split('/repos/')[1] ?? '',
      state: status.state,
      description: status.description ?? '',
      environment: status.environment ?? state.deployment.environment,
      logUrl: status.logUrl ?? '',
      environmentUrl: status.environmentUrl ?? '',
      creator,
      createdAt: iso(Date.now()),
    });
    state.statuses.unshift(created);
    return created;
  }

  /** An artifact the run uploaded: `zip` is its archive as GitHub serves it. */
  addArtifact(runId: number, options: { name: string; zip: Uint8Array; expired?: boolean }): Artifact {
    const state = this.runs.get(runId);
    if (!state) throw new Error(`No run ${runId}`);
    const created = build.artifact({
      id: World.nextArtifactId++,
      name: options.name,
      sizeInBytes: options.zip.byteLength,
      run: state.run,
      createdAt: iso(Date.now()),
      expired: options.expired,
    });
    this.artifacts.set(Number(created.id), { repo: state.repo, runId, artifact: created, zip: options.zip });
    return created;
  }

  /** Whether `sha` is a commit of the repository: a branch head, or the commit of a run or a deployment. */
  hasCommit(repo: RepoState, sha: string): boolean {
    const name = key(repo.full.full_name);
    return (
      [...repo.branches.values()].includes(sha) ||
      [...this.runs.values()].some((state) => state.repo === name && state.run.head_sha === sha) ||
      [...this.deployments.values()].some((state) => state.repo === name && state.deployment.sha === sha)
    );
  }

  addCheckRun(repo: RepoState, options: { name: string; headSha: string }): CheckRun {
    const id = World.nextCheckRunId++;
    const { privateKey: _privateKey, ...app } = this.app;
    // GitHub keeps one check suite per App and commit.
    const checkSuiteId = 110_000 + (parseInt(build.sha1(`${this.app.id}:${options.headSha}`).slice(0, 6), 16) % 90_000);
    const created = build.checkRun({
      id,
      fullName: repo.full.full_name,
      headSha: options.headSha,
      name: options.name,
      app,
      checkSuiteId,
      createdAt: iso(Date.now()),
    });
    this.checkRuns.set(id, { repo: key(repo.full.full_name), checkRun: created });
    return created;
  }

  setJobLog(jobId: number, text: string): void {
    const state = this.jobs.get(jobId);
    if (!state) throw new Error(`No job ${jobId}`);
    state.log = text;
  }

  deleteJobLog(jobId: number): void {
    const state = this.jobs.get(jobId);
    if (state) delete state.log;
  }

  private mustRepo(owner: string, name: string): RepoState {
    const repo = this.repo(owner, name);
    if (!repo) throw new Error(`No repository ${owner}/${name} in the simulated GitHub`);
    return repo;
  }
}
