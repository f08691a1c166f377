import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { EchoConversionError, echoManualTrigger, withoutNullEntries } from '../emulators/spinnaker/echoTrigger.js';
import { eventOf } from '../src/triggers/matching.js';
import { triggerFor } from '../src/triggers/triggerFacts.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as Array<{
  name: string;
  examples: Array<Record<string, unknown>>;
}>;
/** GitHub's recorded `workflow_run` `completed` delivery: octo-org/octo-repo, test.yml, run #163 on master. */
const delivered = examples.find((e) => e.name === 'workflow_run')!.examples[1]!;

/** What Deck's manual execution dialog posts to Gate's /pipelines/v2 for this delivery's run, once Gate added ids. */
function manualBody(): Record<string, unknown> {
  const configured = {
    type: 'githubWorkflowRun',
    enabled: true,
    repository: 'octo-org/octo-repo',
    workflow: 'test.yml',
  };
  const webhook = triggerFor(
    { pipeline: { id: 'p1', name: 'Release', application: 'deployer' }, trigger: configured },
    eventOf('workflow_run', delivered)!,
    'a-delivery-id',
    delivered,
  );
  const { eventId: _delivery, correlationId: _correlation, ...fields } = webhook;
  return { ...fields, type: 'manual', dryRun: false, user: 'jane', eventId: 'gate-event', executionId: '01GATE' };
}

describe("Echo's Trigger model, as a manual start through Gate's /pipelines/v2 passes it to Orca", () => {
  it('keeps the fields Echo models, payload whole, and drops the GitHub facts it does not model', () => {
    const body = manualBody();

    expect(echoManualTrigger(body)).toEqual({
      type: 'manual',
      enabled: true,
      repository: 'octo-org/octo-repo',
      branch: 'master',
      link: body.link,
      linkText: 'test.yml #163',
      user: 'jane',
      eventId: 'gate-event',
      executionId: '01GATE',
      payload: withoutNullEntries(body.payload),
      dryRun: false,
      rebake: false,
      preferred: false,
    });
    expect(body).toMatchObject({ sha: expect.any(String), workflowRunId: 289782451, runNumber: 163 });
    // NON_NULL leaves out null map entries too, at any depth; the rest of the payload is whole.
    const run = (echoManualTrigger(body).payload as { workflow_run: Record<string, unknown> }).workflow_run;
    expect((body.payload as { workflow_run: object }).workflow_run).toHaveProperty('previous_attempt_url', null);
    expect(run).not.toHaveProperty('previous_attempt_url');
    expect(run).toMatchObject({ head_sha: body.sha, run_number: 163, head_commit: { message: expect.any(String) } });
  });

  it('converts values as Jackson does and leaves out nulls', () => {
    expect(
      echoManualTrigger({ type: 'manual', buildNumber: '', tag: 5, hash: null, enabled: 'true', status: ['a', 1] }),
    ).toEqual({
      type: 'manual',
      tag: '5',
      enabled: true,
      status: ['a', '1'],
      dryRun: false,
      rebake: false,
      preferred: false,
    });
    expect(echoManualTrigger({ buildNumber: '42' })).toMatchObject({ buildNumber: 42 });
  });

  it('fails the whole event for a value Jackson cannot read, as Echo does', () => {
    expect(() => echoManualTrigger({ type: 'manual', payload: 'a string' })).toThrow(EchoConversionError);
    expect(() => echoManualTrigger({ type: 'manual', branch: { name: 'main' } })).toThrow(/branch \(String\)/);
    expect(() => echoManualTrigger({ type: 'manual', buildNumber: 'abc' })).toThrow(EchoConversionError);
  });
});
