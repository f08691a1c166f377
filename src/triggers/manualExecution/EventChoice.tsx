import type { IFormInputValidation } from '@spinnaker/core';
import { HelpField, LayoutContext, Spinner } from '@spinnaker/core';
import React from 'react';

import { inert } from '../../../backend/src/spel';
import { LOADING_EVENT } from './manualLabels';

const READ_ONLY: Pick<IFormInputValidation, 'revalidate' | 'addValidator' | 'removeValidator'> = {
  revalidate: () => {},
  addValidator: () => {},
  removeValidator: () => {},
};

export interface EventOption {
  id: number;
  label: string;
  /** The trigger fields a start for this event carries (backend/src/triggers/eventFacts.ts). */
  facts: Record<string, unknown>;
}

/** Which event the dialog starts the pipeline for: the one the user picked, else the newest. */
export function useChosenEvent(options: EventOption[] | undefined) {
  const [picked, pick] = React.useState<number>();
  return { chosen: options?.find((option) => option.id === picked) ?? options?.[0], pick };
}

/**
 * What a manual start for `chosen` sends besides the configured trigger: the event's facts, and the event itself as
 * `payload` once it is loaded, made inert for Orca as the webhook path makes it (triggerFacts.ts). Echo keeps
 * `payload` but drops most facts (docs/triggers.md "What reaches Orca").
 */
export const startFields = (chosen: EventOption | undefined, payload: unknown): Record<string, unknown> =>
  chosen ? { ...chosen.facts, ...(payload ? { payload: inert(payload) } : {}) } : {};

export interface EventChoiceProps {
  label: string;
  help: string;
  hint?: string;
  isLoading: boolean;
  error?: string;
  /** Newest first. */
  options: EventOption[] | undefined;
  chosen: EventOption | undefined;
  pick: (id: number) => void;
  /** startFields of the chosen event. */
  fields: Record<string, unknown>;
  /** While the chosen event itself loads, a start carries its facts only. */
  payloadLoading: boolean;
  /** Why the chosen event itself could not be loaded: the start then carries its facts only. */
  payloadError?: string;
  empty: string;
  /** Deck's `updateCommand` of the manual execution dialog (core TriggerTemplate.tsx). */
  updateCommand: (path: string, value: unknown) => void;
}

/**
 * The choice of a past GitHub event in Deck's manual execution dialog. Deck merges the command's `extraFields` into
 * the trigger it sends Gate (ManualPipelineExecutionModal.submit), so the chosen event's fields go there, replacing
 * Deck's default `{ buildNumber: '' }`; nothing chosen sends nothing.
 */
export function EventChoice(props: EventChoiceProps) {
  const { label, help, hint, isLoading, error, options, chosen, pick, fields, payloadLoading, payloadError } = props;
  const { updateCommand } = props;
  const serialized = JSON.stringify(fields);

  React.useEffect(() => {
    updateCommand('extraFields', JSON.parse(serialized));
  }, [serialized, updateCommand]);
  // Leaving this trigger for another in the same dialog must not carry the fields along.
  React.useEffect(() => () => updateCommand('extraFields', {}), [updateCommand]);

  // Deck's dialog lays out its fields with ManualExecutionFieldLayout, which requires `validation`.
  const layout = React.useContext(LayoutContext);
  const input = hint ? (
    <p className="form-control-static text-muted">{hint}</p>
  ) : isLoading ? (
    <Spinner size="small" />
  ) : options && !options.length ? (
    <p className="form-control-static">{props.empty}</p>
  ) : chosen ? (
    <>
      <select
        className="form-control input-sm"
        aria-label={label}
        value={chosen.id}
        onChange={(event) => pick(Number(event.target.value))}
      >
        {options?.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      {payloadLoading && <p className="help-block">{LOADING_EVENT}</p>}
    </>
  ) : null;
  const message = error ?? payloadError;
  return React.createElement(layout, {
    label,
    help: <HelpField content={help} />,
    input: error ? null : input,
    validation: {
      ...READ_ONLY,
      touched: Boolean(message),
      hidden: !message,
      category: message ? 'error' : undefined,
      messageNode: message && <div role="alert">{message}</div>,
    },
  });
}
