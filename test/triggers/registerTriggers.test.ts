import { Registry, registerPluginExtensions, SETTINGS } from '@spinnaker/core';

import { plugin } from '../../src';

const keys = () => Registry.pipeline.getTriggerTypes().map((type) => type.key);

beforeEach(() => Registry.reinitialize());

describe('trigger registration', () => {
  it("puts both trigger types in Deck's registry when Deck registers the plugin", async () => {
    await registerPluginExtensions(plugin);

    expect(keys()).toEqual(['githubWorkflowRun', 'githubDeployment']);
    expect(Registry.pipeline.getTriggerConfig('githubWorkflowRun')).toMatchObject({
      label: 'GitHub workflow finished',
      description: 'Executes the pipeline when a GitHub Actions workflow run completes',
    });
    expect(Registry.pipeline.getTriggerConfig('githubDeployment')).toMatchObject({
      label: 'GitHub deployment created',
      description: 'Executes the pipeline when a GitHub deployment is created',
    });
  });

  it('registers each type once when Deck registers the plugin again', async () => {
    await registerPluginExtensions(plugin);
    await registerPluginExtensions(plugin);

    expect(keys()).toEqual(['githubWorkflowRun', 'githubDeployment']);
  });

  describe('with a SETTINGS.triggerTypes list', () => {
    // Deck 3.21's stock settings.js (packages/app/src/settings.js) restricts trigger types to its own.
    const DECK_STOCK = ['artifactory', 'concourse', 'cron', 'docker', 'git', 'helm', 'jenkins', 'nexus', 'pipeline'];
    let saved: { triggerTypes: string[]; hidden: unknown };
    const settings = SETTINGS as typeof SETTINGS & { hiddenTriggerTypes?: string[] };

    beforeEach(() => {
      saved = { triggerTypes: SETTINGS.triggerTypes, hidden: settings.hiddenTriggerTypes };
      SETTINGS.triggerTypes = [...DECK_STOCK];
    });
    afterEach(() => {
      SETTINGS.triggerTypes = saved.triggerTypes;
      settings.hiddenTriggerTypes = saved.hidden as string[] | undefined;
    });

    it("offers both trigger types with Deck's stock list, which names neither", async () => {
      await registerPluginExtensions(plugin);

      expect(keys()).toEqual(['githubWorkflowRun', 'githubDeployment']);
      // Deck's own types registered later (a cloud provider module loading after the plugin) are still filtered.
      Registry.pipeline.registerTrigger({ key: 'travis', label: 'Travis', description: '' });
      Registry.pipeline.registerTrigger({ key: 'docker', label: 'Docker Registry', description: '' });
      expect(keys()).toEqual(['githubWorkflowRun', 'githubDeployment', 'docker']);
    });

    it('adds each type to the list once when Deck registers the plugin again', async () => {
      await registerPluginExtensions(plugin);
      await registerPluginExtensions(plugin);

      expect(SETTINGS.triggerTypes).toEqual([...DECK_STOCK, 'githubWorkflowRun', 'githubDeployment']);
      expect(keys()).toEqual(['githubWorkflowRun', 'githubDeployment']);
    });

    it('leaves out a type the operator names in hiddenTriggerTypes', async () => {
      settings.hiddenTriggerTypes = ['githubWorkflowRun'];
      await registerPluginExtensions(plugin);

      expect(keys()).toEqual(['githubDeployment']);
      expect(SETTINGS.triggerTypes).not.toContain('githubWorkflowRun');
    });
  });
});
