import type { AuditStore } from '../audit/index.ts';
import { actorOf } from '../audit/index.ts';
import { newId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { wakeWorkers } from '../platform/jobs/index.ts';
import type { Platform } from '../platform/platform.ts';
import type { AccessService } from './access.service.ts';
import type { AppStore } from './apps.store.ts';
import type { InvitableRole, InvitationRecord, InvitationStore } from './invitations.store.ts';
import type { MemberStore } from './members.store.ts';
import { tenantErrors } from './tenants.errors.ts';
import {
  checkInvite,
  INVITATION_TTL_MS,
  invitationState,
  roleAfterAccept,
  sameEmail,
} from './tenants.rules.ts';
import type { AppView, SessionCaller } from './tenants.types.ts';

/** Invitations to an app's team: sent by mail with a one-time link, accepted by the signed-in invitee. */
export class InvitationsService {
  constructor(
    private readonly deps: {
      platform: Pick<Platform, 'db' | 'clock' | 'config' | 'mail' | 'bus'>;
      audit: AuditStore;
      apps: AppStore;
      members: MemberStore;
      invitations: InvitationStore;
      access: AccessService;
    },
  ) {}

  /** The app's pending and accepted invitations, newest first. */
  list(appId: string, limit: number, cursor?: string): Promise<InvitationRecord[]> {
    return this.deps.invitations.list(this.deps.platform.db, appId, limit, cursor);
  }

  /** Invites `email` as `role` and mails the link; an open invitation to the same address is replaced. */
  async invite(
    caller: SessionCaller,
    appId: string,
    input: { email: string; role: InvitableRole },
  ): Promise<InvitationRecord> {
    const { platform } = this.deps;
    const email = input.email.trim();
    const now = new Date(platform.clock.now());
    const token = randomSecret(32);
    const invitation = await platform.db.transaction().execute(async (tx) => {
      const app = await this.deps.apps.lockLive(tx, appId);
      if (!app) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      const actorRole = await this.deps.members.roleIn(tx, appId, caller.principal.user.id);
      if (!actorRole) throw tenantErrors.TENANTS_APP_NOT_FOUND();
      checkInvite(actorRole, input.role);
      if (await this.deps.invitations.emailIsMember(tx, appId, email))
        throw tenantErrors.TENANTS_ALREADY_MEMBER();
      const replaced = await this.deps.invitations.revokeOpenFor(tx, appId, email, now);
      const created = await this.deps.invitations.insert(
        tx,
        {
          id: newId('inv', now.getTime()),
          appId,
          email,
          role: input.role,
          tokenHash: sha256Hex(token),
          invitedBy: caller.principal.user.id,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        },
        now,
      );
      const link = `${platform.config.publicUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
      await platform.mail.send(tx, {
        appId,
        to: email,
        subject: `You are invited to join ${app.name}`,
        text: [
          `${caller.principal.user.displayName} invited you to join the team of ${app.name} as ${input.role}.`,
          '',
          `Accept the invitation here (sign in with this email address first): ${link}`,
          '',
          'The link works once and expires in 7 days. If you did not expect it, ignore this mail.',
        ].join('\n'),
      });
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'invitation.create',
          targetType: 'invitation',
          targetId: created.id,
          data: { email, role: input.role, replaced },
        },
        now,
      );
      return created;
    });
    wakeWorkers(platform.bus);
    return invitation;
  }

  /** Revokes an open invitation; its link stops working. */
  async revoke(caller: SessionCaller, appId: string, invitationId: string): Promise<void> {
    const now = new Date(this.deps.platform.clock.now());
    await this.deps.platform.db.transaction().execute(async (tx) => {
      const invitation = await this.deps.invitations.find(tx, appId, invitationId);
      if (!invitation || invitation.revokedAt) throw tenantErrors.TENANTS_INVITATION_NOT_FOUND();
      if (!(await this.deps.invitations.revoke(tx, appId, invitationId, now))) {
        throw tenantErrors.TENANTS_INVITATION_NOT_PENDING();
      }
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'invitation.revoke',
          targetType: 'invitation',
          targetId: invitationId,
          data: { email: invitation.email, role: invitation.role },
        },
        now,
      );
    });
  }

  /** Accepts an invitation for the signed-in user, whose email must be the invited one. */
  async accept(caller: SessionCaller, token: string): Promise<AppView> {
    const user = caller.principal.user;
    const now = new Date(this.deps.platform.clock.now());
    const found = await this.deps.invitations.findByTokenHash(this.deps.platform.db, sha256Hex(token));
    if (!found) throw tenantErrors.TENANTS_INVITATION_INVALID();
    const appId = found.appId;
    const view = await this.deps.platform.db.transaction().execute(async (tx) => {
      const app = await this.deps.apps.lockLive(tx, appId);
      const invitation = await this.deps.invitations.find(tx, appId, found.id);
      if (!app || !invitation || invitationState(invitation, now) !== 'pending') {
        throw tenantErrors.TENANTS_INVITATION_INVALID();
      }
      if (!sameEmail(user.email, invitation.email)) throw tenantErrors.TENANTS_INVITATION_EMAIL_MISMATCH();
      if (!(await this.deps.invitations.markAccepted(tx, appId, invitation.id, user.id, now))) {
        throw tenantErrors.TENANTS_INVITATION_INVALID();
      }
      const current = await this.deps.members.roleIn(tx, appId, user.id);
      const role = roleAfterAccept(current, invitation.role);
      if (!current) await this.deps.members.add(tx, { appId, userId: user.id, role }, now);
      else if (role !== current) await this.deps.members.setRole(tx, appId, user.id, role);
      await this.deps.audit.record(
        tx,
        {
          appId,
          ...actorOf(caller.principal, caller.ip),
          action: 'invitation.accept',
          targetType: 'invitation',
          targetId: invitation.id,
          data: { email: invitation.email, role, previousRole: current },
        },
        now,
      );
      return { id: app.id, name: app.name, ownerId: app.ownerId, role, createdAt: app.createdAt };
    });
    await this.deps.access.memberChanged(appId, user.id, view.role);
    return view;
  }
}
