import { describe, expect, it } from 'vitest';
import type { TeamRole } from '../platform/db/schema.ts';
import { AppError } from '../platform/errors.ts';
import type { Principal } from '../platform/http/auth.ts';
import { randomSecret } from '../platform/ids.ts';
import {
  checkInvite,
  checkRemoval,
  decideAccess,
  decideRoleChange,
  formatKeySecret,
  invitationState,
  looksLikeJwt,
  parseKeySecret,
  resolveUserTokenScopes,
  roleAfterAccept,
  roleAtLeast,
  sameEmail,
  shouldRecordUse,
  validateKeyScopes,
} from './tenants.rules.ts';
import { isScope, SCOPE_NAMES, USER_TOKEN_SCOPE_NAMES } from './tenants.scopes.ts';

const ROLES: TeamRole[] = ['viewer', 'editor', 'admin', 'owner'];

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

const session = (userId = 'usr_1'): Principal => ({
  kind: 'session',
  appId: 'app_site',
  sessionId: 's',
  csrfToken: 'c',
  user: {
    id: userId,
    appId: 'app_site',
    email: 'a@example.com',
    displayName: 'A',
    role: 'member',
    emailVerified: true,
  },
});
const apiKey = (appId: string, scopes: string[]): Principal => ({
  kind: 'apiKey',
  appId,
  keyId: 'key_1',
  scopes,
});

describe('team roles', () => {
  it('orders owner above admin above editor above viewer', () => {
    for (const [i, role] of ROLES.entries()) {
      for (const [j, need] of ROLES.entries()) expect(roleAtLeast(role, need)).toBe(i >= j);
    }
  });
});

describe('decideAccess', () => {
  it('lets a member with enough role through and reports the role', () => {
    expect(decideAccess(session(), 'app_x', { role: 'editor', scope: 'apps:read' }, 'admin')).toEqual({
      appId: 'app_x',
      teamRole: 'admin',
    });
  });

  it('answers 404 to non-members so app ids cannot be probed', () => {
    expect(codeOf(() => decideAccess(session(), 'app_x', { role: 'viewer', scope: 'apps:read' }, null))).toBe(
      'TENANTS_APP_NOT_FOUND',
    );
  });

  it('answers 403 to members below the needed role', () => {
    expect(
      codeOf(() => decideAccess(session(), 'app_x', { role: 'admin', scope: 'apps:write' }, 'editor')),
    ).toBe('AUTH_FORBIDDEN');
  });

  it('lets an API key act on its own app only when it holds the scope', () => {
    expect(
      decideAccess(apiKey('app_x', ['apps:read']), 'app_x', { role: 'owner', scope: 'apps:read' }, null),
    ).toEqual({
      appId: 'app_x',
      teamRole: null,
    });
    expect(
      codeOf(() =>
        decideAccess(apiKey('app_x', ['apps:read']), 'app_x', { role: 'viewer', scope: 'keys:write' }, null),
      ),
    ).toBe('AUTH_SCOPE_MISSING');
    expect(
      codeOf(() =>
        decideAccess(apiKey('app_y', ['apps:read']), 'app_x', { role: 'viewer', scope: 'apps:read' }, null),
      ),
    ).toBe('TENANTS_APP_NOT_FOUND');
  });

  it('refuses API keys on people-only operations and user tokens everywhere', () => {
    expect(
      codeOf(() => decideAccess(apiKey('app_x', SCOPE_NAMES), 'app_x', { role: 'admin', scope: null }, null)),
    ).toBe('AUTH_FORBIDDEN');
    const token: Principal = { kind: 'userToken', appId: 'app_x', userId: 'u', scopes: ['playback'] };
    expect(codeOf(() => decideAccess(token, 'app_x', { role: 'viewer', scope: 'apps:read' }, null))).toBe(
      'AUTH_FORBIDDEN',
    );
  });

  it('never grants access to the site app', () => {
    expect(
      codeOf(() => decideAccess(session(), 'app_site', { role: 'viewer', scope: 'apps:read' }, 'owner')),
    ).toBe('TENANTS_APP_NOT_FOUND');
  });
});

describe('scopes', () => {
  it('accepts known, distinct, non-empty API key scopes', () => {
    expect(validateKeyScopes(['apps:read', 'tokens:mint'])).toEqual(['apps:read', 'tokens:mint']);
  });

  it('refuses empty, duplicated or unknown API key scopes', () => {
    for (const scopes of [
      [],
      ['apps:read', 'apps:read'],
      ['apps:read', 'root'],
      ['APPS:READ'],
      ['toString'],
    ]) {
      expect(codeOf(() => validateKeyScopes(scopes))).toBe('TENANTS_SCOPES_INVALID');
    }
  });

  it('does not mistake inherited object properties for scopes', () => {
    expect(isScope('constructor')).toBe(false);
    expect(isScope('apps:read')).toBe(true);
  });

  it('defaults user token scopes to all of them and checks a requested subset', () => {
    expect(resolveUserTokenScopes(undefined)).toEqual(USER_TOKEN_SCOPE_NAMES);
    expect(resolveUserTokenScopes(['chat:write'])).toEqual(['chat:write']);
    expect(codeOf(() => resolveUserTokenScopes(['apps:read']))).toBe('TENANTS_SCOPES_INVALID');
    expect(codeOf(() => resolveUserTokenScopes([]))).toBe('TENANTS_SCOPES_INVALID');
    expect(codeOf(() => resolveUserTokenScopes(['playback', 'playback']))).toBe('TENANTS_SCOPES_INVALID');
  });
});

describe('API key secrets', () => {
  it('embed the key id so it can be parsed back, even when the random part contains underscores', () => {
    for (let i = 0; i < 200; i++) {
      const random = randomSecret(32);
      const secret = formatKeySecret('key_01h2x3y4z5abcdefghjkmnpqrs', random);
      expect(secret).toMatch(/^sk_01h2x3y4z5abcdefghjkmnpqrs_[A-Za-z0-9_-]{43}$/);
      expect(parseKeySecret(secret)).toEqual({ keyId: 'key_01h2x3y4z5abcdefghjkmnpqrs' });
    }
    expect(parseKeySecret(`sk_abc_${'_'.repeat(43)}`)).toEqual({ keyId: 'key_abc' });
  });

  it('rejects anything not in the secret format', () => {
    const random = 'A'.repeat(43);
    for (const bad of [
      '',
      'sk_',
      `pk_abc_${random}`,
      `sk_abc${random}`,
      `sk_ABC_${random}`,
      `sk_abc_${random}x`,
      `sk_abc_${'A'.repeat(42)}`,
      `sk__${random}`,
      `sk_abc_${'A'.repeat(42)}=`,
    ]) {
      expect(parseKeySecret(bad)).toBeNull();
    }
  });

  it('tells JWTs from key secrets by their three dot-separated parts', () => {
    expect(looksLikeJwt('a.b.c')).toBe(true);
    expect(looksLikeJwt(`sk_abc_${'A'.repeat(43)}`)).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
  });

  it('records a use at most once a minute', () => {
    expect(shouldRecordUse(null, 1_000)).toBe(true);
    expect(shouldRecordUse(1_000, 60_999)).toBe(false);
    expect(shouldRecordUse(1_000, 61_000)).toBe(true);
  });
});

describe('team changes', () => {
  it('lets only the owner grant admin, touch admins or transfer ownership', () => {
    expect(decideRoleChange('owner', 'viewer', 'admin')).toBe('change');
    expect(decideRoleChange('owner', 'admin', 'viewer')).toBe('change');
    expect(decideRoleChange('owner', 'editor', 'owner')).toBe('transfer');
    expect(decideRoleChange('admin', 'viewer', 'editor')).toBe('change');
    expect(decideRoleChange('admin', 'viewer', 'viewer')).toBe('unchanged');
    expect(codeOf(() => decideRoleChange('admin', 'viewer', 'admin'))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => decideRoleChange('admin', 'admin', 'viewer'))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => decideRoleChange('admin', 'editor', 'owner'))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => decideRoleChange('editor', 'viewer', 'editor'))).toBe('AUTH_FORBIDDEN');
  });

  it('never changes the owner’s own role', () => {
    expect(codeOf(() => decideRoleChange('owner', 'owner', 'admin'))).toBe('TENANTS_OWNER_PROTECTED');
    expect(codeOf(() => decideRoleChange('owner', 'owner', 'owner'))).toBe('TENANTS_OWNER_PROTECTED');
  });

  it('lets anyone but the owner leave, admins remove editors and viewers, and only the owner remove admins', () => {
    expect(codeOf(() => checkRemoval('viewer', 'viewer', true))).toBeNull();
    expect(codeOf(() => checkRemoval('admin', 'admin', true))).toBeNull();
    expect(codeOf(() => checkRemoval('admin', 'editor', false))).toBeNull();
    expect(codeOf(() => checkRemoval('owner', 'admin', false))).toBeNull();
    expect(codeOf(() => checkRemoval('admin', 'admin', false))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => checkRemoval('editor', 'viewer', false))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => checkRemoval('owner', 'owner', true))).toBe('TENANTS_OWNER_PROTECTED');
    expect(codeOf(() => checkRemoval('owner', 'owner', false))).toBe('TENANTS_OWNER_PROTECTED');
  });

  it('lets admins invite editors and viewers and only the owner invite admins', () => {
    expect(codeOf(() => checkInvite('admin', 'editor'))).toBeNull();
    expect(codeOf(() => checkInvite('owner', 'admin'))).toBeNull();
    expect(codeOf(() => checkInvite('admin', 'admin'))).toBe('AUTH_FORBIDDEN');
    expect(codeOf(() => checkInvite('editor', 'viewer'))).toBe('AUTH_FORBIDDEN');
  });
});

describe('invitations', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const later = new Date(now.getTime() + 1000);

  it('are pending until accepted, revoked or expired', () => {
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: later }, now)).toBe('pending');
    expect(invitationState({ acceptedAt: now, revokedAt: null, expiresAt: later }, now)).toBe('accepted');
    expect(invitationState({ acceptedAt: null, revokedAt: now, expiresAt: later }, now)).toBe('revoked');
    expect(invitationState({ acceptedAt: null, revokedAt: null, expiresAt: now }, now)).toBe('expired');
  });

  it('match emails case-insensitively and never match a missing email', () => {
    expect(sameEmail('Ann@Example.com', ' ann@example.COM ')).toBe(true);
    expect(sameEmail('ann@example.com', 'bob@example.com')).toBe(false);
    expect(sameEmail(null, 'ann@example.com')).toBe(false);
  });

  it('never lower an existing member’s role on accept', () => {
    expect(roleAfterAccept(null, 'viewer')).toBe('viewer');
    expect(roleAfterAccept('viewer', 'admin')).toBe('admin');
    expect(roleAfterAccept('admin', 'viewer')).toBe('admin');
    expect(roleAfterAccept('owner', 'admin')).toBe('owner');
  });
});
