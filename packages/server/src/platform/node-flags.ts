/**
 * Node flags the server runs with (`npm start` passes the same; a test keeps them in step).
 * V8 sizes the young generation from the machine's memory, up to 64 MB per semi-space on a
 * large host, and keeps it resident: most of an idle server's memory. Short-lived objects
 * here are small (requests, events, frames), so 16 MB semi-spaces collect them just as well.
 * Under a steady stream of chat traffic the old generation otherwise grows to several times
 * what is live before a full collection; a 30 % growing factor keeps the peak near the live size.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--heap-growing-percent=30'];
