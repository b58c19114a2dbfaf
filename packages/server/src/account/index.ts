export { accountErrors } from './account.errors.ts';
export { accountRoutes } from './account.routes.ts';
export { DELETED_USER_NAME } from './account.rules.ts';
export { type DeletionPreview, DeletionService, ERASE_JOB } from './deletion.service.ts';
export { EXPORT_JOB, EXPORT_SECTIONS, ExportService, type ExportView } from './export.service.ts';
export { FORFEIT_KIND } from './forfeit.ts';
