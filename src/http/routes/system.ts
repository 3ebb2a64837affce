import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../usecases/context.ts';

/** Liveness. The landing page and the first-start setup page are the web app's (`web/`). */
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
}
