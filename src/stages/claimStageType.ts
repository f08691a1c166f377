import type { IStageTypeConfig, PipelineRegistry } from '@spinnaker/core';

// PipelineRegistry keeps its configs in the private array `stageTypes` and memoizes getStageConfig with lodash
// (@spinnaker/core 0.29.1, src/pipeline/config/PipelineRegistry.ts). Neither has a public way to remove a config.
interface RegistryInternals {
  stageTypes?: IStageTypeConfig[];
  getStageConfig: { cache?: { clear?: () => void } };
}

const internals = (registry: PipelineRegistry) => registry as unknown as RegistryInternals;

const claims = new WeakMap<PipelineRegistry, Map<string, IStageTypeConfig>>();

function guardRegistrations(registry: PipelineRegistry, claimed: Map<string, IStageTypeConfig>): void {
  const registerStage = registry.registerStage.bind(registry);
  registry.registerStage = (stageConfig: IStageTypeConfig) => {
    const owner = claimed.get(stageConfig.key);
    if (owner && (stageConfig !== owner || internals(registry).stageTypes?.includes(owner))) return;
    registerStage(stageConfig);
  };
}

/**
 * Makes `config` the registry's only stage type with its key, now and later.
 *
 * Deck registers every preconfigured webhook of Orca as a stage whose key is the webhook's `type`, from a run block
 * that races plugin loading (webhookStage.ts), and getStageConfig picks the first of several configs with one key.
 * So: drop every other config with this key that is already registered, and from then on ignore registrations of
 * another config with this key (and repeated registrations of this one). The stage picker then lists one entry and
 * Deck always uses this config, whichever registration came first.
 */
export function claimStageType(registry: PipelineRegistry, config: IStageTypeConfig): void {
  const { stageTypes, getStageConfig } = internals(registry);
  if (Array.isArray(stageTypes)) {
    for (let i = stageTypes.length - 1; i >= 0; i--) {
      if (stageTypes[i].key === config.key && stageTypes[i] !== config) stageTypes.splice(i, 1);
    }
    // registerStage still honours SETTINGS.hiddenStages, so an operator can hide the stage.
    if (!stageTypes.includes(config)) registry.registerStage(config);
  }
  // A lookup made before the removal may have memoized the other config.
  getStageConfig.cache?.clear?.();

  let claimed = claims.get(registry);
  if (!claimed) {
    claimed = new Map();
    claims.set(registry, claimed);
    guardRegistrations(registry, claimed);
  }
  claimed.set(config.key, config);
}
