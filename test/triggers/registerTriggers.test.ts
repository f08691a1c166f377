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

  it('follows SETTINGS.triggerTypes, which must name the types for Deck to offer them', async () => {
    const configured = SETTINGS.triggerTypes;
    SETTINGS.triggerTypes = ['git', 'githubDeployment'];
    try {
      await registerPluginExtensions(plugin);
    } finally {
      SETTINGS.triggerTypes = configured;
    }

    expect(keys()).toEqual(['githubDeployment']);
  });
});
