/** A piece of plain text, or a link found in it. */
export type TextSegment = { type: 'text'; text: string } | { type: 'link'; text: string; href: string };

/** http(s) URLs up to the next whitespace or bracket/quote that usually ends them in prose. */
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the URL ("see https://x.test/a." → no dot in the link). */
const TRAILING = /[.,;:!?]+$/;

/** Removes a closing bracket the URL did not open, e.g. the ")" in "(see https://x.test/a)". */
function trimUnbalanced(url: string): string {
  let result = url;
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    while (result.endsWith(close) && result.split(open).length < result.split(close).length) {
      result = result.slice(0, -1);
    }
  }
  return result;
}

/**
 * Splits mail text into text and link segments so links can be rendered as <a> elements while
 * everything else stays plain text (no HTML is ever interpreted). Concatenating the segments' text
 * gives back the input exactly.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    let url = match[0];
    for (;;) {
      const trimmed = trimUnbalanced(url.replace(TRAILING, ''));
      if (trimmed === url) break;
      url = trimmed;
    }
    if (url.length <= 'https://'.length) continue;
    if (start > last) segments.push({ type: 'text', text: text.slice(last, start) });
    segments.push({ type: 'link', text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) segments.push({ type: 'text', text: text.slice(last) });
  return segments;
}
