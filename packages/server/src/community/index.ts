/** The 24/7 community room: one persistent room per app with chat, presence, stats and a leaderboard. */
export { communityErrors } from './community.errors.ts';
export { communityRoutes } from './community.routes.ts';
export * from './community.rules.ts';
export { COMMUNITY_CHANNEL, CommunityService } from './community.service.ts';
export { CommunityStore } from './community.store.ts';
