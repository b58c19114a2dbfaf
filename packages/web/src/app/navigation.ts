/**
 * The in-app path to go to after logging in: only same-origin absolute paths are accepted, so a crafted
 * `?next=https://evil.example` or `//evil.example` cannot send the user elsewhere.
 */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  // Control characters (code points below 32) have no place in a path and can confuse URL parsers.
  if ([...next].some((char) => char.charCodeAt(0) < 32)) return fallback;
  return next;
}

/** The login address that comes back to `path` (path + search) afterwards. */
export function loginPath(path: string): string {
  return `/login?next=${encodeURIComponent(path)}`;
}
