import { Navigate, Route, Routes } from 'react-router-dom';
import { AccountDeletedPage, AccountPage } from '../features/account/account-page.tsx';
import { AdminPage } from '../features/admin/admin-page.tsx';
import { AuditTab } from '../features/admin/audit-tab.tsx';
import { CreatorsTab } from '../features/admin/creators-tab.tsx';
import { JobsTab } from '../features/admin/jobs-tab.tsx';
import { MailTab } from '../features/admin/mail-tab.tsx';
import { UsersTab } from '../features/admin/users-tab.tsx';
import {
  CommunityChatTab,
  CommunityLeaderboardTab,
  CommunityMembersTab,
  CommunityPage,
  CommunityStatsTab,
} from '../features/chat/community-page.tsx';
import { ModerationLogTab, ModerationPage, ReportsTab } from '../features/chat/moderation-page.tsx';
import { ForgotPasswordPage } from '../features/identity/forgot-password-page.tsx';
import { LoginPage } from '../features/identity/login-page.tsx';
import { ProfilePage } from '../features/identity/profile-page.tsx';
import { ResetPasswordPage } from '../features/identity/reset-password-page.tsx';
import { SetupPage } from '../features/identity/setup-page.tsx';
import { SignupPage } from '../features/identity/signup-page.tsx';
import { VerifyEmailPage } from '../features/identity/verify-email-page.tsx';
import { DiscoverPage } from '../features/live/discover-page.tsx';
import { StudioPage } from '../features/live/studio-page.tsx';
import { VodListPage, VodPage } from '../features/live/vod-pages.tsx';
import { WatchPage } from '../features/live/watch-page.tsx';
import { AdminGiftsTab, AdminPackagesTab } from '../features/money/admin-catalogue-tabs.tsx';
import { AdminPaymentsTab } from '../features/money/admin-payments-tab.tsx';
import { AdminPayoutsTab } from '../features/money/admin-payouts-tab.tsx';
import { AdminPrimeTab, AdminSplitTab } from '../features/money/admin-settings-tabs.tsx';
import { BuyCoinsPage } from '../features/money/buy-coins-page.tsx';
import { EarningsPage } from '../features/money/earnings-page.tsx';
import { SandboxCheckoutPage } from '../features/money/sandbox-checkout-page.tsx';
import { SubscriptionsPage } from '../features/money/subscriptions-page.tsx';
import { WalletPage } from '../features/money/wallet-page.tsx';
import { ApiKeysTab } from '../features/tenants/api-keys-tab.tsx';
import { AppPage } from '../features/tenants/app-page.tsx';
import { DeveloperPage } from '../features/tenants/developer-page.tsx';
import { InvitationAcceptPage } from '../features/tenants/invitation-accept-page.tsx';
import { SettingsTab } from '../features/tenants/settings-tab.tsx';
import { TeamTab } from '../features/tenants/team-tab.tsx';
import { EndpointPage } from '../features/webhooks/endpoint-page.tsx';
import { WebhooksTab } from '../features/webhooks/webhooks-tab.tsx';
import { RequireAdmin, RequireAuth, RequireCreator } from './guards.tsx';
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
          path="account"
          element={
            <RequireAuth>
              <AccountPage />
            </RequireAuth>
          }
        />
        <Route path="account/deleted" element={<AccountDeletedPage />} />
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
          <Route path="payments" element={<AdminPaymentsTab />} />
          <Route path="payouts" element={<AdminPayoutsTab />} />
          <Route path="coin-packages" element={<AdminPackagesTab />} />
          <Route path="gifts" element={<AdminGiftsTab />} />
          <Route path="split" element={<AdminSplitTab />} />
          <Route path="prime" element={<AdminPrimeTab />} />
        </Route>
        <Route path="live" element={<DiscoverPage />} />
        <Route path="watch/:streamId" element={<WatchPage />} />
        <Route path="videos" element={<VodListPage />} />
        <Route path="videos/:vodId" element={<VodPage />} />
        <Route
          path="studio"
          element={
            <RequireCreator>
              <StudioPage />
            </RequireCreator>
          }
        />
        <Route
          path="studio/:streamId"
          element={
            <RequireCreator>
              <StudioPage />
            </RequireCreator>
          }
        />
        <Route
          path="community"
          element={
            <RequireAuth>
              <CommunityPage />
            </RequireAuth>
          }
        >
          <Route index element={<CommunityChatTab />} />
          <Route path="members" element={<CommunityMembersTab />} />
          <Route path="stats" element={<CommunityStatsTab />} />
          <Route path="leaderboard" element={<CommunityLeaderboardTab />} />
        </Route>
        <Route
          path="moderation"
          element={
            <RequireAuth>
              <ModerationPage />
            </RequireAuth>
          }
        >
          <Route index element={<ModerationLogTab />} />
          <Route path="reports" element={<ReportsTab />} />
        </Route>
        <Route
          path="wallet"
          element={
            <RequireAuth>
              <WalletPage />
            </RequireAuth>
          }
        />
        <Route
          path="wallet/buy"
          element={
            <RequireAuth>
              <BuyCoinsPage />
            </RequireAuth>
          }
        />
        <Route
          path="checkout/sandbox/:orderId"
          element={
            <RequireAuth>
              <SandboxCheckoutPage />
            </RequireAuth>
          }
        />
        <Route
          path="subscriptions"
          element={
            <RequireAuth>
              <SubscriptionsPage />
            </RequireAuth>
          }
        />
        <Route
          path="creator/earnings"
          element={
            <RequireCreator>
              <EarningsPage />
            </RequireCreator>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
