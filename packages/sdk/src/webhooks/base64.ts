/**
 * Base64 with only `atob`/`btoa`, so the same code runs in browsers, Node, Deno and workers
 * without `Buffer`.
 */

/** Standard base64 (with padding) of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so very large inputs do not overflow the argument limit of String.fromCharCode.
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * Bytes of a standard base64 string (padding optional). Throws on anything that is not base64,
 * so callers can tell a malformed value from a wrong one.
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
