import type { IFormInputValidation } from '@spinnaker/core';
import { HelpField, LayoutContext, Spinner } from '@spinnaker/core';
import React from 'react';

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

export interface EventChoiceProps {
  label: string;
  help: string;
  hint?: string;
  isLoading: boolean;
  error?: string;
  /** Newest first; the first is chosen until the user picks another. */
  options: EventOption[] | undefined;
  empty: string;
  /** Deck's `updateCommand` of the manual execution dialog (core TriggerTemplate.tsx). */
  updateCommand: (path: string, value: unknown) => void;
}

/**
 * The choice of a past GitHub event in Deck's manual execution dialog. Deck merges the command's `extraFields` into
 * the trigger it sends Gate (ManualPipelineExecutionModal.submit), so the chosen event's facts go there, replacing
 * Deck's default `{ buildNumber: '' }`; nothing chosen sends no facts.
 */
export function EventChoice({ label, help, hint, isLoading, error, options, empty, updateCommand }: EventChoiceProps) {
  const [picked, setPicked] = React.useState<number>();
  const chosen = options?.find((option) => option.id === picked) ?? options?.[0];
  const facts = JSON.stringify(chosen?.facts ?? {});

  React.useEffect(() => {
    updateCommand('extraFields', JSON.parse(facts));
  }, [facts, updateCommand]);
  // Leaving this trigger for another in the same dialog must not carry the facts along.
  React.useEffect(() => () => updateCommand('extraFields', {}), [updateCommand]);

  // Deck's dialog lays out its fields with ManualExecutionFieldLayout, which requires `validation`.
  const layout = React.useContext(LayoutContext);
  const input = hint ? (
    <p className="form-control-static text-muted">{hint}</p>
  ) : isLoading ? (
    <Spinner size="small" />
  ) : options && !options.length ? (
    <p className="form-control-static">{empty}</p>
  ) : chosen ? (
    <select
      className="form-control input-sm"
      aria-label={label}
      value={chosen.id}
      onChange={(event) => setPicked(Number(event.target.value))}
    >
      {options?.map((option) => (
        <option key={option.id} value={option.id}>
          {option.label}
        </option>
      ))}
    </select>
  ) : null;
  return React.createElement(layout, {
    label,
    help: <HelpField content={help} />,
    input: error ? null : input,
    validation: {
      ...READ_ONLY,
      touched: Boolean(error),
      hidden: !error,
      category: error ? 'error' : undefined,
      messageNode: error && <div role="alert">{error}</div>,
    },
  });
}
