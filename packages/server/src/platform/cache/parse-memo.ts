/**
 * Remembers the parsed form of recently seen cache values, so a value read on every request
 * (an API key record, an app summary) is parsed once rather than per request. Parsed values
 * are frozen because callers share them. Bounded: it starts over once `max` values are held.
 */
export class ParseMemo<T> {
  readonly #parsed = new Map<string, T>();

  constructor(
    private readonly parse: (raw: string) => T,
    private readonly max = 1_000,
  ) {}

  /** The parse of `raw`, computed at most once while remembered. */
  get(raw: string): T {
    let value = this.#parsed.get(raw);
    if (value === undefined) {
      value = Object.freeze(this.parse(raw)) as T;
      if (this.#parsed.size >= this.max) this.#parsed.clear();
      this.#parsed.set(raw, value);
    }
    return value;
  }
}
