import angular from 'angular';

/**
 * Starts AngularJS as Deck does, so @spinnaker/core's REST helper ($http via ngimport) and PipelineConfigValidator
 * ($q) work. Extra modules run their config and run blocks, as in Deck. Returns the root element.
 */
export function bootstrapAngular(modules: string[] = []): HTMLElement {
  const root = document.createElement('div');
  angular.bootstrap(root, ['bcherny/ngimport', ...modules]);
  return root;
}

// angular.getTestability exists since AngularJS 1.4; @types/angular leaves it out.
type Testability = { whenStable(callback: () => void): void };
const { getTestability } = angular as unknown as { getTestability(element: Element): Testability };

/** Resolves once AngularJS has no $http request or $timeout outstanding (what Protractor waits for). */
export function whenAngularStable(root: HTMLElement): Promise<void> {
  return new Promise((resolve) => getTestability(root).whenStable(() => resolve()));
}
