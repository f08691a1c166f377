import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { validateWebhook } from './openapi.js';
import type { World, WorldChange } from './world.js';

type Payload = Record<string, unknown>;

/** A webhook delivery the simulated GitHub sends: the `X-GitHub-Event`, `X-GitHub-Delivery` and JSON body. */
export interface SimulatedEvent {
  name: 'workflow_run' | 'workflow_job';
  action: string;
  id: string;
  payload: Payload;
}

const recorded = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Payload[];
}[];

/** A recorded payload of `name` (with `action` where one is recorded), deep-copied so callers may change it. */
function example(name: string, action: string): Payload {
  const all = recorded.find((e) => e.name === name)?.examples ?? [];
  const found = all.find((e) => e.action === action) ?? all[0];
  if (!found) throw new Error(`No ${name} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** The example's object with each of its fields taken from `source` where `source` has it. */
function overlay(shape: unknown, source: Payload): Payload {
  const fields = Object.keys((shape ?? {}) as Payload);
  return Object.fromEntries(
    fields.map((field) => [field, field in source ? source[field] : (shape as Payload)[field]]),
  );
}

function envelope(world: World, name: SimulatedEvent['name'], action: string, repoName: string): Payload {
  const payload = example(name, action);
  const repo = world.repos.get(repoName);
  if (!repo) throw new Error(`No repository ${repoName}`);
  payload.action = action;
  payload.repository = overlay(payload.repository, repo.full as unknown as Payload);
  const owner = repo.full.owner;
  if (owner.type === 'Organization') {
    const org = `https://api.github.com/orgs/${owner.login}`;
    payload.organization = {
      login: owner.login,
      id: owner.id,
      node_id: owner.node_id,
      url: org,
      repos_url: `${org}/repos`,
      events_url: `${org}/events`,
      hooks_url: `${org}/hooks`,
      issues_url: `${org}/issues`,
      members_url: `${org}/members{/member}`,
      public_members_url: `${org}/public_members{/member}`,
      avatar_url: owner.avatar_url,
      description: null,
    };
  } else delete payload.organization;
  const installation = world.installationOf(repo.full.full_name);
  if (installation)
    payload.installation = {
      id: installation.data.id,
      node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${installation.data.id}`,
    };
  delete payload.enterprise;
  return payload;
}

/**
 * The `workflow_run` or `workflow_job` delivery GitHub sends for a change in the simulated world: a recorded payload
 * from @octokit/webhooks-examples with the world's run, job, workflow, repository and installation in it. `violations`
 * lists where it breaks the webhook's schema in GitHub's OpenAPI description.
 */
export function eventFor(world: World, change: WorldChange): { event: SimulatedEvent; violations: string[] } {
  if (change.kind === 'run') {
    const state = world.runs.get(change.runId);
    if (!state) throw new Error(`No run ${change.runId}`);
    const payload = envelope(world, 'workflow_run', change.action, state.repo);
    const repo = world.repos.get(state.repo);
    payload.workflow = repo?.workflows.find((w) => w.id === state.run.workflow_id) ?? payload.workflow;
    payload.workflow_run = state.run;
    payload.sender = state.run.triggering_actor ?? state.run.actor ?? payload.sender;
    const schema = `webhook-workflow-run-${change.action.replace('_', '-')}`;
    return {
      event: { name: 'workflow_run', action: change.action, id: randomUUID(), payload: structuredClone(payload) },
      violations: validateWebhook(schema, payload),
    };
  }
  const state = world.jobs.get(change.jobId);
  if (!state) throw new Error(`No job ${change.jobId}`);
  const payload = envelope(world, 'workflow_job', change.action, state.repo);
  payload.workflow_job = state.job;
  payload.sender = world.runs.get(Number(state.job.run_id))?.run.triggering_actor ?? payload.sender;
  delete payload.deployment;
  const schema = `webhook-workflow-job-${change.action.replace('_', '-')}`;
  return {
    event: { name: 'workflow_job', action: change.action, id: randomUUID(), payload: structuredClone(payload) },
    violations: validateWebhook(schema, payload),
  };
}
