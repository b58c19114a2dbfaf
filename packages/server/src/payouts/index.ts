/** The revenue split, creator earnings, payouts and statements. */

export { payoutErrors } from './payouts.errors.ts';
export { payoutRoutes } from './payouts.routes.ts';
export * from './payouts.rules.ts';
export { type Movement, PayoutService, type PayoutStatus, type PayoutView } from './payouts.service.ts';
export { type SplitOverride, SplitService } from './split.service.ts';
