import { useId } from 'react';
import type { Described } from './types.ts';

/** Returns a copy of `selected` with `name` switched on or off. */
export function toggled(selected: readonly string[], name: string, on: boolean): string[] {
  const rest = selected.filter((item) => item !== name);
  return on ? [...rest, name] : rest;
}

/**
 * A fieldset of labelled checkboxes with an "all" switch on top (checked when every option is, mixed when
 * some are). Each box has `data-testid="${testIdPrefix}-${option.name}"`; the switch has `${testIdPrefix}-all`.
 */
export function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  allLabel,
  testIdPrefix,
  disabled = false,
}: {
  legend: string;
  options: Described[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  allLabel: string;
  testIdPrefix: string;
  disabled?: boolean;
}) {
  const id = useId();
  const chosen = options.filter((option) => selected.includes(option.name)).length;
  const all = options.length > 0 && chosen === options.length;
  return (
    <fieldset className="checkbox-group" disabled={disabled} data-testid={`${testIdPrefix}-group`}>
      <legend>{legend}</legend>
      <div className="checkbox-all">
        <input
          type="checkbox"
          id={`${id}-all`}
          checked={all}
          ref={(element) => {
            if (element) element.indeterminate = chosen > 0 && !all;
          }}
          onChange={(event) => onChange(event.target.checked ? options.map((option) => option.name) : [])}
          data-testid={`${testIdPrefix}-all`}
        />
        <label htmlFor={`${id}-all`}>{allLabel}</label>
      </div>
      <div className="checkbox-list">
        {options.map((option, index) => {
          const boxId = `${id}-${index}`;
          return (
            <div className="checkbox-item" key={option.name}>
              <input
                type="checkbox"
                id={boxId}
                value={option.name}
                checked={selected.includes(option.name)}
                onChange={(event) => onChange(toggled(selected, option.name, event.target.checked))}
                aria-describedby={`${boxId}-desc`}
                data-testid={`${testIdPrefix}-${option.name}`}
              />
              <label htmlFor={boxId}>
                <code>{option.name}</code>
                <span className="muted small" id={`${boxId}-desc`}>
                  {option.description}
                </span>
              </label>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
