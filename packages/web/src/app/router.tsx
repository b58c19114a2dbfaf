import { Navigate, Route, Routes } from 'react-router-dom';
import { AdminPage } from '../features/admin/admin-page.tsx';
import { AuditTab } from '../features/admin/audit-tab.tsx';
import { CreatorsTab } from '../features/admin/creators-tab.tsx';
import { JobsTab } from '../features/admin/jobs-tab.tsx';
import { MailTab } from '../features/admin/mail-tab.tsx';
import { UsersTab } from '../features/admin/users-tab.tsx';
import { ForgotPasswordPage } from '../features/identity/forgot-password-page.tsx';
import { LoginPage } from '../features/identity/login-page.tsx';
import { ProfilePage } from '../features/identity/profile-page.tsx';
import { ResetPasswordPage } from '../features/identity/reset-password-page.tsx';
import { SetupPage } from '../features/identity/setup-page.tsx';
import { SignupPage } from '../features/identity/signup-page.tsx';
import { VerifyEmailPage } from '../features/identity/verify-email-page.tsx';
import { ApiKeysTab } from '../features/tenants/api-keys-tab.tsx';
import { AppPage } from '../features/tenants/app-page.tsx';
import { DeveloperPage } from '../features/tenants/developer-page.tsx';
import { InvitationAcceptPage } from '../features/tenants/invitation-accept-page.tsx';
import { SettingsTab } from '../features/tenants/settings-tab.tsx';
import { TeamTab } from '../features/tenants/team-tab.tsx';
import { EndpointPage } from '../features/webhooks/endpoint-page.tsx';
import { WebhooksTab } from '../features/webhooks/webhooks-tab.tsx';
import { RequireAdmin, RequireAuth } from './guards.tsx';
import { HomePage } from './home-page.tsx';
import { Layout } from './layout.tsx';
import { NotFoundPage } from './not-found-page.tsx';

/** Every page of the web app; guarded pages redirect to /login?next=… when logged out. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="signup" element={<SignupPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="verify-email" element={<VerifyEmailPage />} />
        <Route path="setup" element={<SetupPage />} />
        <Route
          path="profile"
          element={
            <RequireAuth>
              <ProfilePage />
            </RequireAuth>
          }
        />
        <Route
          path="invitations/accept"
          element={
            <RequireAuth>
              <InvitationAcceptPage />
            </RequireAuth>
          }
        />
        <Route
          path="developer"
          element={
            <RequireAuth>
              <DeveloperPage />
            </RequireAuth>
          }
        />
        <Route
          path="developer/apps/:appId"
          element={
            <RequireAuth>
              <AppPage />
            </RequireAuth>
          }
        >
          <Route index element={<ApiKeysTab />} />
          <Route path="webhooks" element={<WebhooksTab />} />
          <Route path="webhooks/:endpointId" element={<EndpointPage />} />
          <Route path="team" element={<TeamTab />} />
          <Route path="settings" element={<SettingsTab />} />
        </Route>
        <Route
          path="admin"
          element={
            <RequireAdmin>
              <AdminPage />
            </RequireAdmin>
          }
        >
          <Route index element={<Navigate to="users" replace />} />
          <Route path="users" element={<UsersTab />} />
          <Route path="creators" element={<CreatorsTab />} />
          <Route path="mail" element={<MailTab />} />
          <Route path="jobs" element={<JobsTab />} />
          <Route path="audit" element={<AuditTab />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
