import { AppError, forbidden } from './errors.ts';

export const ROLES = ['admin', 'builder', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting: a signed-in user, or the local operator running the CLI on the database itself. */
export interface Actor {
  kind: 'user' | 'system';
  userId: string | null;
  role: Role;
  name: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', userId: null, role: 'admin', name: 'cli' };

/**
 * Every action a use-case can perform, and the roles allowed to perform it. Declared in one place so
 * a reviewer can read the whole policy at once; each use-case calls `authorize` first.
 */
export const PERMISSIONS = {
  'loop:read': ['admin', 'builder', 'viewer'],
  'loop:write': ['admin', 'builder'],
  'loop:delete': ['admin', 'builder'],
  'users:read': ['admin', 'builder', 'viewer'],
  'users:manage': ['admin'],
  'tokens:own': ['admin', 'builder', 'viewer'],
  'tokens:manage-others': ['admin'],
  'settings:manage': ['admin'],
  'data:export': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** Throws `unauthenticated` without an actor and `forbidden` when the actor's role lacks the permission. */
export function authorize(actor: Actor | null, permission: Permission): asserts actor is Actor {
  if (!actor) throw new AppError('unauthenticated', 'sign in or send a bearer token');
  const allowed: readonly Role[] = PERMISSIONS[permission];
  if (!allowed.includes(actor.role)) {
    throw forbidden(`a ${actor.role} may not ${permission.replace(':', ' ')}`);
  }
}

export function can(actor: Actor | null, permission: Permission): boolean {
  if (!actor) return false;
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return allowed.includes(actor.role);
}
