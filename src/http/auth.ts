import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/authorization.ts';
import { AppError } from '../domain/errors.ts';
import { type Authenticated, authenticate, type LoginResult } from '../usecases/auth.ts';
import type { Deps } from '../usecases/context.ts';

export const SESSION_COOKIE = 'productos_session';
export const CSRF_COOKIE = 'productos_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    auth: (Authenticated & { via: 'bearer' | 'cookie'; secret: string }) | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'the Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Resolves who is calling, from a bearer token or the session cookie, on every request. Routes do
 * not check roles themselves: use-cases do, from `request.actor`. Writes authenticated by the
 * cookie must echo the CSRF token, since a browser sends cookies to cross-site forms too.
 */
export function registerAuthentication(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('auth', null);
  app.addHook('onRequest', async (request) => {
    const bearer = bearerOf(request);
    const cookie = bearer ? null : (request.cookies[SESSION_COOKIE] ?? null);
    const secret = bearer ?? cookie;
    if (!secret) return;
    const found = await authenticate(deps, secret);
    if (!found) {
      if (bearer) throw new AppError('unauthenticated', 'that token is unknown, expired or revoked');
      return; // a stale cookie just means "signed out"
    }
    if (cookie && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (!found.csrfToken || sent !== found.csrfToken) {
        throw new AppError(
          'forbidden',
          `cookie-authenticated writes must send the ${CSRF_HEADER} header from sign-in`,
        );
      }
    }
    request.actor = found.actor;
    request.auth = { ...found, via: bearer ? 'bearer' : 'cookie', secret };
  });
}

export function setSessionCookies(reply: FastifyReply, result: LoginResult, secure: boolean): void {
  const expires = new Date(result.expiresAt);
  reply.setCookie(SESSION_COOKIE, result.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires,
  });
  reply.setCookie(CSRF_COOKIE, result.csrfToken, {
    httpOnly: false,
    sameSite: 'lax',
    secure,
    path: '/',
    expires,
  });
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
