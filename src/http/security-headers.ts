import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of every response. Scripts only from this origin, never inline (no
 * `'unsafe-inline'`, no `eval`, no `on…=` attributes), so an injected `<script>` or
 * `<img onerror>` cannot run even if one slipped past React's escaping. Inline *styles* stay
 * allowed: the server's small HTML pages (unsubscribe, portal) carry a `<style>` block and Radix's
 * scroll lock injects one; a style cannot run code.
 */
export function contentSecurityPolicy(secure: boolean): Record<string, string[]> {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  if (secure) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/**
 * Security headers on every response (API, web app, docs): the CSP above, `nosniff`, no framing,
 * no referrer leaks across origins, and HSTS only when the public address is https (sent over
 * plain http it would be ignored at best and, behind a TLS proxy added later, pin a wrong host).
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  opts: { secure: boolean },
): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(opts.secure) },
    hsts: opts.secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // The portal's submission route answers other origins (CORS); the resource policy must not block it.
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}
