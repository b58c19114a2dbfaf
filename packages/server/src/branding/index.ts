export { brandingRoutes } from './branding.routes.ts';
export { type Branding, DEFAULT_BRANDING, resolveBranding } from './branding.rules.ts';
