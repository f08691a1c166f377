import type { IFormInputProps } from '@spinnaker/core';
import {
  createFakeReactSyntheticEvent,
  reactSelectOnBlurAdapter,
  reactSelectValidationErrorStyle,
  TetheredSelect,
} from '@spinnaker/core';
import React from 'react';

import type { SelectOption } from '../../components/CreatableSelectInput';
import { conclusionList } from '../matchPreview';
import { ANY_CONCLUSION, CONCLUSIONS } from '../validators';

const CONCLUSION_OPTIONS: SelectOption[] = [
  { label: 'any conclusion (*)', value: ANY_CONCLUSION },
  ...CONCLUSIONS.map((conclusion) => ({ label: conclusion, value: conclusion })),
];

// react-select 1 ships no types, so @spinnaker/core's declaration of TetheredSelect has no props.
const Select = TetheredSelect as unknown as React.ComponentType<Record<string, unknown>>;

/** The conclusions a saved value lists; none when it is unset (the backend then takes `success`). */
const selectedOf = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && !value.trim()) ? [] : conclusionList(value);

/**
 * `*` alone, or a comma-separated list, as the backend reads `conclusion`; unset when nothing is chosen. Picking
 * "any" replaces the list, and picking a conclusion replaces "any".
 */
function savedValue(values: string[], previous: string[]): string | undefined {
  const added = values.filter((value) => !previous.includes(value));
  const next = added.includes(ANY_CONCLUSION) ? [ANY_CONCLUSION] : values.filter((value) => value !== ANY_CONCLUSION);
  return next.length ? next.join(',') : undefined;
}

/**
 * Several conclusions. Not Deck's ReactSelectInput: it declares its select component inside its render, so every
 * render of the form (the preview loading, say) remounts the select and closes its open menu.
 */
export function ConclusionInput({ name, value, onChange, onBlur, validation }: IFormInputProps) {
  const selected = selectedOf(value);
  // Values written in the pipeline JSON stay visible, so they can be removed.
  const options = [
    ...CONCLUSION_OPTIONS,
    ...selected
      .filter((entry) => !CONCLUSION_OPTIONS.some((option) => option.value === entry))
      .map((entry) => ({ label: entry, value: entry })),
  ];
  const invalid = validation?.category === 'error' && !validation.hidden;

  const change = (selection: SelectOption[] | null) => {
    const next = savedValue(
      (selection ?? []).map((option) => option.value),
      selected,
    );
    onChange?.(createFakeReactSyntheticEvent({ name, value: next }));
  };

  return (
    <Select
      name={name}
      multi={true}
      value={selected}
      options={options}
      clearable={true}
      placeholder="Default: success"
      aria-label="Conclusion"
      style={invalid ? reactSelectValidationErrorStyle : undefined}
      onChange={change}
      onBlur={reactSelectOnBlurAdapter(name!, value, onBlur)}
    />
  );
}
