/** Reads a text field of a form ('' when absent), trimming it unless `raw` (passwords keep their spaces). */
export function formText(form: HTMLFormElement, name: string, raw = false): string {
  const value = new FormData(form).get(name);
  if (typeof value !== 'string') return '';
  return raw ? value : value.trim();
}

/** Values of all checked checkboxes called `name`. */
export function formChecked(form: HTMLFormElement, name: string): string[] {
  return new FormData(form).getAll(name).filter((value): value is string => typeof value === 'string');
}
