import React from 'react';

import type { SelectOption } from './CreatableSelectInput';

interface ValueProps {
  children?: React.ReactNode;
  id?: string;
  value: SelectOption;
}

/**
 * The chosen value of a single select. react-select 1's own marks it `role="option"` outside any listbox, which
 * screen readers cannot place (axe: aria-required-parent, critical); this one is plain text.
 */
export function SelectValue({ children, id, value }: ValueProps) {
  return (
    <div className="Select-value" title={value.label}>
      <span className="Select-value-label" id={id}>
        {children}
      </span>
    </div>
  );
}
