import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import { feedbackSchema } from '../../domain/feedback.ts';
import { moderationDecisionInput, portalFeedbackInput } from '../../domain/portal.ts';
import type { Deps } from '../../usecases/context.ts';
import { moderateFeedback, submitPortalFeedback } from '../../usecases/portal.ts';
import { hitRateLimit } from '../../usecases/rate-limit.ts';
import { errors, idParams } from '../schemas.ts';

/** Submissions per IP per minute through the public portal. */
export const PORTAL_RATE_LIMIT = 10;

/** The public portal (end users' own feedback) and its moderation by builders. */
export function registerPortalRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // A product's own site (another origin) posts here from the browser: allow any origin, without
  // credentials, for this one route and its preflight.
  app.options('/api/v1/portal/feedback', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-origin', '*')
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '86400')
      .send(),
  );

  r.post('/api/v1/portal/feedback', {
    onSend: async (_request, reply, payload) => {
      reply.header('access-control-allow-origin', '*');
      return payload;
    },
    bodyLimit: 64 * 1024,
    schema: {
      tags: ['portal'],
      security: [],
      summary:
        "An end user's feedback through a product's public portal (anonymous or signed in); waits for moderation",
      description: `404 when the product's portal is off. At most ${PORTAL_RATE_LIMIT} submissions per minute per IP address.`,
      body: portalFeedbackInput,
      response: { 202: z.object({ accepted: z.literal(true) }), ...errors(404, 429) },
    },
    handler: async (request, reply) => {
      const decision = await hitRateLimit(deps, 'portal', request.ip, PORTAL_RATE_LIMIT, 60_000);
      if (!decision.allowed) {
        const seconds = decision.retryAfterSeconds;
        reply.header('retry-after', String(seconds));
        throw new AppError(
          'rate_limited',
          `too many submissions from your address; try again in ${seconds} s`,
        );
      }
      return reply.code(202).send(await submitPortalFeedback(deps, request.actor, request.body));
    },
  });

  r.post('/api/v1/feedback/:id/moderation', {
    schema: {
      tags: ['feedback'],
      summary: 'Approve (to the inbox) or reject (dismissed as spam) a portal item',
      params: idParams,
      body: moderationDecisionInput,
      response: { 200: feedbackSchema, ...errors(403, 404, 409) },
    },
    handler: async (request) =>
      moderateFeedback(deps, request.actor, request.params.id, request.body.decision),
  });
}
