export {
  JOBS_WAKE_TOPIC,
  type JobContext,
  type JobHandler,
  type JobKindOptions,
  JobWorker,
} from './job-worker.ts';
export { backoffMs, nextStepAfterFailure } from './jobs.rules.ts';
export { type JobRow, JobStore, type NewJob } from './jobs.store.ts';

import type { Bus } from '../bus/bus.port.ts';
import { JOBS_WAKE_TOPIC as WAKE } from './job-worker.ts';

/** Tells idle workers on every node that new jobs were committed; call after the transaction. */
export function wakeWorkers(bus: Bus): void {
  void bus.publish(WAKE, null).catch(() => {});
}
