/**
 * Node flags the server runs with (`npm start` passes the same; a test keeps them in step).
 * V8 sizes the young generation from the machine's memory, up to 64 MB per semi-space on a
 * large host, and keeps it resident: most of an idle server's memory. Short-lived objects
 * here are small (requests, events, frames), so 8 MB semi-spaces collect them just as well.
 * Under a steady stream of chat traffic the old generation otherwise grows to several times
 * what is live before a full collection; a 20 % growing factor keeps the peak near the live size.
 * Measured with 5,000 chat members: ~30 MB less at peak than 16 MB and 30 %, for a few
 * percent more CPU in the collector.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=20'];

/**
 * Environment the server runs with (`npm start` sets the same). glibc gives each thread that
 * allocates its own malloc arena, up to eight per core: V8's helper threads and libuv's pool
 * (which verifies every user token's signature) each keep one partly filled. Two arenas hold
 * the same allocations; measured with 5,000 chat members, ~15 MB less resident memory, at no
 * measurable cost in CPU or latency. Other C libraries ignore it.
 */
export const SERVER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
