import { buildServer } from '../../../../scripts/build-server.ts';

/** The end-to-end suites run the server as `npm start` does: from a fresh bundle. */
export async function setup(): Promise<void> {
  await buildServer();
}
