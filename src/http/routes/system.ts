import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../usecases/context.ts';

const SETUP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>productOS — first admin</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1d2330}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin-top:1.2rem;padding:.6rem 1.2rem;font:inherit;background:#2855d8;color:#fff;border:0;border-radius:4px}
#msg{margin-top:1rem}</style></head>
<body><h1>Welcome to productOS</h1><p>Create the first admin account.</p>
<form id="f"><label for="name">Name</label><input id="name" required maxlength="200">
<label for="email">Email</label><input id="email" type="email" required>
<label for="password">Password (10+ characters)</label><input id="password" type="password" minlength="10" required>
<button type="submit">Create admin</button></form><p id="msg" role="status"></p>
<script>
const token = new URLSearchParams(location.search).get('token') || '';
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = { token, name: name.value, email: email.value, password: password.value };
  const res = await fetch('/api/v1/setup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  msg.textContent = res.ok ? 'Done. Sign in with POST /api/v1/auth/login, or read the API docs at /docs.' : data.error.message;
});
</script></body></html>`;

const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>productOS</title>
<style>body{font:16px system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2330}</style></head>
<body><h1>productOS</h1>
<p>Observe feedback → reflect on patterns → design → ship → measure, for every product and builder.</p>
<ul><li><a href="/docs">API documentation</a></li><li><a href="/openapi.json">OpenAPI 3.1 description</a></li>
<li><a href="/healthz">Health</a></li></ul></body></html>`;

/** Liveness, the landing page and the first-start setup page. */
export function registerSystemRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/healthz', {
    schema: {
      tags: ['system'],
      summary: 'Liveness: answers when the server and its database answer',
      response: { 200: z.object({ ok: z.literal(true), database: z.enum(['sqlite', 'postgres']) }) },
    },
    handler: async () => {
      await deps.store.db.selectFrom('users').select('id').limit(1).execute();
      return { ok: true as const, database: deps.store.dialect };
    },
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(HOME_PAGE),
  );
  app.get('/setup', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(SETUP_PAGE),
  );
}
