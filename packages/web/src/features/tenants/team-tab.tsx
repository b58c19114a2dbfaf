import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { formText } from '../../app/forms.ts';
import { useI18n } from '../../app/i18n-context.tsx';
import { LoadMore, useCursorList } from '../../app/lists.tsx';
import { useSession } from '../../app/session.tsx';
import type { AppRole, Invitation, Member } from '../../app/types.ts';
import { Badge, Button, Card, EmptyState, ErrorAlert, Loading, Notice, TextField } from '../../app/ui.tsx';
import { ConfirmButton } from '../../app/ui-confirm.tsx';
import { useCurrentApp } from './app-page.tsx';
import { ASSIGNABLE_ROLES, canManage, tenantLists, tenantsApi } from './tenants.api.ts';

/** A role picker for team members and invitations. */
function RoleSelect({
  value,
  onChange,
  label,
  name,
  disabled,
  testId,
}: {
  value?: AppRole;
  onChange?: (role: AppRole) => void;
  label: string;
  name?: string;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className={onChange ? 'sr-only' : undefined}>
        {label}
      </label>
      <select
        id={id}
        name={name}
        value={onChange ? value : undefined}
        defaultValue={onChange ? undefined : (value ?? 'viewer')}
        disabled={disabled}
        onChange={(event) => onChange?.(event.target.value as AppRole)}
        data-testid={testId}
      >
        {ASSIGNABLE_ROLES.map((role) => (
          <option key={role} value={role}>
            {t(`appRole.${role}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One team member with role change and removal. */
function MemberRow({ member, manage }: { member: Member; manage: boolean }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members', app.id] });
  const setRole = useMutation({
    mutationFn: (role: AppRole) => tenantsApi.setMemberRole(api, app.id, member.userId, role),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: () => tenantsApi.removeMember(api, app.id, member.userId),
    onSuccess: refresh,
  });
  const editable = manage && member.role !== 'owner' && member.userId !== user?.id;

  return (
    <tr data-testid="member-row" data-user-id={member.userId}>
      <th scope="row">
        {member.displayName}
        <span className="muted small block">{member.email}</span>
      </th>
      <td>
        {editable ? (
          <RoleSelect
            value={member.role}
            label={t('team.roleOf', { name: member.displayName })}
            onChange={(role) => setRole.mutate(role)}
            disabled={setRole.isPending}
            testId={`member-role-${member.userId}`}
          />
        ) : (
          <Badge tone={member.role === 'owner' ? 'primary' : 'neutral'}>{t(`appRole.${member.role}`)}</Badge>
        )}
      </td>
      <td>{formatDate(member.createdAt)}</td>
      <td className="actions-cell">
        {editable && (
          <ConfirmButton
            label={t('team.remove')}
            question={t('team.removeQuestion', { name: member.displayName })}
            confirmLabel={t('team.removeConfirm')}
            busy={remove.isPending}
            onConfirm={() => remove.mutate()}
            testId={`member-remove-${member.userId}`}
          />
        )}
        <ErrorAlert error={setRole.error ?? remove.error} />
      </td>
    </tr>
  );
}

/** Invite form plus the list of open invitations. */
function Invitations({ manage }: { manage: boolean }) {
  const { t, formatDate } = useI18n();
  const api = useApi();
  const app = useCurrentApp();
  const queryClient = useQueryClient();
  const invitations = useCursorList<Invitation>(['invitations', app.id], tenantLists.invitations(app.id));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['invitations', app.id] });
  const invite = useMutation({
    mutationFn: (input: { email: string; role: AppRole }) =>
      tenantsApi.invite(api, app.id, input.email, input.role),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: (id: string) => tenantsApi.cancelInvitation(api, app.id, id),
    onSuccess: refresh,
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const role = formText(form, 'role') as AppRole;
    invite.mutate({ email: formText(form, 'email'), role }, { onSuccess: () => form.reset() });
  }

  return (
    <Card title={t('team.invitationsTitle')}>
      {manage && (
        <form className="form form-inline" onSubmit={onSubmit} data-testid="invite-form">
          <TextField
            label={t('field.email')}
            name="email"
            type="email"
            required
            className="grow"
            data-testid="invite-email"
          />
          <RoleSelect label={t('team.role')} name="role" value="viewer" testId="invite-role" />
          <Button type="submit" busy={invite.isPending} data-testid="invite-submit">
            {t('team.invite')}
          </Button>
        </form>
      )}
      <ErrorAlert error={invite.error} testId="invite-error" />
      {invite.isSuccess && (
        <Notice testId="invite-sent">{t('team.invited', { email: invite.data.invitation.email })}</Notice>
      )}
      {invitations.isPending && <Loading />}
      <ErrorAlert error={invitations.error ?? cancel.error} />
      {invitations.isSuccess && invitations.items.length === 0 && (
        <EmptyState title={t('team.noInvitations')} />
      )}
      {invitations.items.length > 0 && (
        <ul className="list" data-testid="invitation-list">
          {invitations.items.map((invitation) => (
            <li key={invitation.id} className="list-row" data-testid="invitation-row">
              <div>
                <strong>{invitation.email}</strong> <Badge>{t(`appRole.${invitation.role}`)}</Badge>{' '}
                {invitation.acceptedAt ? (
                  <Badge tone="success">{t('team.accepted')}</Badge>
                ) : (
                  <span className="muted small">
                    {t('team.expires', { date: formatDate(invitation.expiresAt) })}
                  </span>
                )}
              </div>
              {manage && !invitation.acceptedAt && (
                <ConfirmButton
                  label={t('team.cancelInvite')}
                  question={t('team.cancelInviteQuestion')}
                  confirmLabel={t('team.cancelInviteConfirm')}
                  busy={cancel.isPending && cancel.variables === invitation.id}
                  onConfirm={() => cancel.mutate(invitation.id)}
                  testId={`invitation-cancel-${invitation.id}`}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={invitations} />
    </Card>
  );
}

/** Team of the current app: members with roles, and invitations. */
export function TeamTab() {
  const { t } = useI18n();
  const app = useCurrentApp();
  const manage = canManage(app.role);
  const members = useCursorList<Member>(['members', app.id], tenantLists.members(app.id));

  return (
    <div className="stack" data-testid="team-tab">
      <Card title={t('team.membersTitle')}>
        {members.isPending && <Loading />}
        <ErrorAlert error={members.error} />
        {members.isSuccess && members.items.length === 0 && <EmptyState title={t('team.noMembers')} />}
        {members.items.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="member-list">
              <thead>
                <tr>
                  <th scope="col">{t('team.member')}</th>
                  <th scope="col">{t('team.role')}</th>
                  <th scope="col">{t('team.joined')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.items.map((member) => (
                  <MemberRow key={member.userId} member={member} manage={manage} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={members} />
      </Card>
      <Invitations manage={manage} />
    </div>
  );
}
