import type { Application, IPipeline } from '@spinnaker/core';
import { Triggers } from '@spinnaker/core';
import { render, screen, waitFor, within } from '@testing-library/react';
import type userEvent from '@testing-library/user-event';
import React from 'react';

import { plugin } from '../../src';
import { bootstrapAngular } from '../angular';

/**
 * AngularJS as the pipeline editor needs it: the Triggers page's Metadata section reads Deck's override registry
 * through ReactInjector, which spinnaker.core.react initializes. Then the plugin registers its trigger types.
 */
export function setUpTriggersPage(): void {
  bootstrapAngular(['spinnaker.core.react', 'spinnaker.core.override.registry']);
  plugin.initialize!(plugin);
}

/**
 * Deck's own pipeline Triggers page (core `Triggers` → `TriggersPageContent` → `Trigger`), which mounts a trigger
 * type's `component` inside its Formik form and writes every change back into the pipeline.
 */
export function renderTriggersPage(triggers: Array<Record<string, unknown>>) {
  const pipeline = { id: 'p1', name: 'Release', application: 'deployer', stages: [], triggers } as unknown as IPipeline;
  const application = { name: 'deployer' } as unknown as Application;
  let rerender: (ui: React.ReactElement) => void = () => {};
  const page = () => (
    <Triggers
      application={application}
      pipeline={pipeline}
      fieldUpdated={() => {}}
      updatePipelineConfig={(changes) => {
        Object.assign(pipeline, changes);
        // Deck's pipeline configurer re-renders on its next AngularJS digest, not inside React's commit.
        setTimeout(() => rerender(page()));
      }}
      revertCount={0}
    />
  );
  // The trigger types' components bring the plugin's own QueryClient, as in Deck.
  const result = render(page());
  rerender = result.rerender;
  /** The pipeline's triggers as they would be saved (JSON drops undefined fields). */
  const saved = () => JSON.parse(JSON.stringify(pipeline.triggers)) as Array<Record<string, unknown>>;
  return { ...result, pipeline, saved };
}

type User = ReturnType<typeof userEvent.setup>;

const FIELD_LABEL = { selector: '.StandardFieldLayout_Label' };
const fieldOf = (label: HTMLElement) => label.closest('.StandardFieldLayout') as HTMLElement;

/** The field (label, input and messages) with this label, in Deck's StandardFieldLayout. */
export async function field(label: string): Promise<HTMLElement> {
  return fieldOf(await screen.findByText(label, FIELD_LABEL));
}

export async function choose(user: User, label: string, option: string): Promise<void> {
  await user.click(await screen.findByLabelText(label));
  await user.click(await screen.findByText(option, { selector: '.Select-option, .Select-option *' }));
}

/**
 * Picks the new trigger's type in Deck's Type select, as a user does: again if the menu closed before the option was
 * clicked. Deck's ReactSelectInput declares its select component inside its render (see
 * src/components/ChoiceSelectInput.tsx), so any render of the trigger's form mounts the select anew, closed and
 * unfocused. The new trigger's form renders a few times after it is added (its first validation, the pipeline's
 * update); on a busy machine one of those renders came after the click, and the option never appeared.
 */
export async function chooseTriggerType(user: User, type: string): Promise<void> {
  // The field as it is now: each render may have replaced its select.
  const select = () => fieldOf(screen.getByText('Type', FIELD_LABEL));
  await waitFor(async () => {
    if (!select().querySelector('.Select.is-open')) await user.click(within(select()).getByRole('combobox'));
    await user.click(screen.getByText(type, { selector: '.Select-option *' }));
    expect(select().querySelector('.Select-value-label')).toHaveTextContent(type);
  });
}

/** The preview's table row of the run or deployment whose first cell holds this text. */
export async function previewRow(text: string): Promise<HTMLElement> {
  const cell = await screen.findByText(text, { selector: 'td, td *' });
  return cell.closest('tr') as HTMLElement;
}
