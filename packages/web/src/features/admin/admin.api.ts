import type { ApiClient } from '../../app/api.ts';
import type { User, UserRole } from '../../app/types.ts';

/** Roles an admin can give on the users page, in order of power. */
export const USER_ROLES: UserRole[] = ['member', 'creator', 'moderator', 'admin'];

/** Calls of the admin capability (platform operators only). */
export const adminApi = {
  setUserRole: (api: ApiClient, userId: string, role: UserRole) =>
    api.patch<{ user: User }>(`/admin/users/${encodeURIComponent(userId)}`, { role }),
  approveCreator: (api: ApiClient, applicationId: string) =>
    api.post(`/admin/creator-applications/${encodeURIComponent(applicationId)}/approve`),
  rejectCreator: (api: ApiClient, applicationId: string, reason: string) =>
    api.post(`/admin/creator-applications/${encodeURIComponent(applicationId)}/reject`, { reason }),
  retryJob: (api: ApiClient, jobId: string) => api.post(`/admin/jobs/${encodeURIComponent(jobId)}/retry`),
};

/** Paths of the paginated admin lists, for useCursorList. */
export const adminLists = {
  users: '/admin/users',
  creatorApplications: '/admin/creator-applications',
  mail: '/admin/mail',
  jobs: '/admin/jobs',
  audit: '/admin/audit',
};
