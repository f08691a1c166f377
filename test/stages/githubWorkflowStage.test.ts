import type { IStageTypeConfig } from '@spinnaker/core';
import { Registry, registerPluginExtensions } from '@spinnaker/core';

import { plugin } from '../../src';
import { GithubWorkflowExecutionDetails } from '../../src/stages/githubWorkflow/GithubWorkflowExecutionDetails';
import { githubWorkflowStage } from '../../src/stages/githubWorkflow/githubWorkflowStage';
import { bootstrapAngular, whenAngularStable } from '../angular';
import { requests, server, useMswServer } from '../msw/server';
import { preconfiguredWebhooksHandler } from '../msw/webhooks';

// Deck's webhook stage module (@spinnaker/core 0.29.1 src/pipeline/config/stages/webhook/webhookStage.ts): its run
// block reads Gate's /webhooks/preconfigured and registers each webhook as a stage keyed by its `type`. The module is
// not exported but is registered with AngularJS when @spinnaker/core is imported, so the tests run Deck's own code.
const WEBHOOK_STAGE_MODULE = 'spinnaker.core.pipeline.stage.webhookStage';

const stage = { name: 'Deploy', refId: '1', requisiteStageRefIds: [], type: 'githubWorkflow' };

useMswServer();
beforeEach(() => {
  Registry.reinitialize();
  server.use(preconfiguredWebhooksHandler);
});

/** Runs Deck's webhook stage module as Deck's bootstrap does and waits for its registrations. */
async function registerPreconfiguredWebhooks(): Promise<void> {
  const root = bootstrapAngular([WEBHOOK_STAGE_MODULE]);
  await whenAngularStable(root);
  expect(requests).toContain('/webhooks/preconfigured');
}

const withKey = (key: string) => Registry.pipeline.getStageTypes().filter((type) => type.key === key);

/** The registry hands out deep clones (getStageTypes), so configs are recognised by what they hold. */
function expectOurs(config: IStageTypeConfig): void {
  expect(config).toMatchObject({ description: githubWorkflowStage.description, alias: 'preconfiguredWebhook' });
  expect(config.controller).toBeUndefined();
  expect(config.templateUrl).toBeUndefined();
  expect(config.executionDetailsSections?.map((section) => section.title)).toEqual([
    GithubWorkflowExecutionDetails.title,
    'logs',
    'taskStatus',
  ]);
}

function expectOneGithubWorkflowEntry(): void {
  const entries = withKey('githubWorkflow');
  expect(entries).toHaveLength(1);
  expectOurs(entries[0]);
  const picker = Registry.pipeline.getConfigurableStageTypes().filter((type) => type.label === 'GitHub Workflow');
  expect(picker).toHaveLength(1);
  expectOurs(Registry.pipeline.getStageConfig(stage));
  // The other preconfigured webhooks stay as Deck registered them.
  expect(withKey('notifyOps')).toHaveLength(1);
}

describe('githubWorkflowStage registration', () => {
  it('keeps one GitHub Workflow entry, ours, when the preconfigured webhook registers first', async () => {
    await registerPreconfiguredWebhooks();
    expect(withKey('githubWorkflow')).toHaveLength(1);
    expect(withKey('githubWorkflow')[0].controller).toBe('WebhookStageCtrl');

    await registerPluginExtensions(plugin);

    expectOneGithubWorkflowEntry();
  });

  it('keeps one GitHub Workflow entry, ours, when the plugin registers first', async () => {
    await registerPluginExtensions(plugin);
    await registerPreconfiguredWebhooks();

    expectOneGithubWorkflowEntry();
  });

  it('forgets the webhook config that Deck looked up before the plugin loaded', async () => {
    await registerPreconfiguredWebhooks();
    expect(Registry.pipeline.getStageConfig(stage).controller).toBe('WebhookStageCtrl');

    await registerPluginExtensions(plugin);

    expectOurs(Registry.pipeline.getStageConfig(stage));
  });

  it('registers our config once when Deck registers the plugin again', async () => {
    await registerPluginExtensions(plugin);
    await registerPluginExtensions(plugin);
    Registry.pipeline.registerStage(githubWorkflowStage);

    expect(withKey('githubWorkflow')).toHaveLength(1);
  });

  it('writes the alias Orca resolves preconfigured webhook stages by, and the defaults', () => {
    const config: IStageTypeConfig = githubWorkflowStage;
    expect(config).toMatchObject({
      key: 'githubWorkflow',
      label: 'GitHub Workflow',
      alias: 'preconfiguredWebhook',
      addAliasToConfig: true,
      defaults: { dispatchType: 'workflow_dispatch', waitForCompletion: true },
    });
  });
});
