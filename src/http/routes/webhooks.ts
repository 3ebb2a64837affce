import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import { INBOUND_SIGNATURE_HEADER, INBOUND_TIMESTAMP_HEADER } from '../../integrations/inbound-webhook.ts';
import type { Deps } from '../../usecases/context.ts';
import { receiveGithubDelivery } from '../../usecases/github-webhook.ts';
import { receiveInboundDelivery } from '../../usecases/inbound-sources.ts';
import { errors } from '../schemas.ts';

const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024; // GitHub caps deliveries at 25 MB

const githubResponse = z.union([
  z.object({ ignored: z.string().describe('why nothing was done') }),
  z.object({
    outcome: z.enum(['created', 'existing', 'updated', 'merged', 'deployed', 'already_deployed']),
    feedbackId: z.string().optional(),
    deployId: z.string().optional(),
    links: z.number().optional().describe('implementation links marked merged'),
  }),
]);
const inboundResponse = z.object({ outcome: z.enum(['created', 'existing']), feedbackId: z.string() });

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rawBodyOf(request: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(request.body))
    throw new AppError('invalid', 'send a JSON body with Content-Type application/json', { body: 'missing' });
  return request.body;
}

/**
 * Signed inbound events: GitHub, and the generic webhook of each inbound source. Signatures are
 * computed over the bytes as sent, so in this scope JSON bodies are kept raw and parsed after
 * verification.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  deps: Deps,
  options: { githubWebhookSecret: string | null },
): void {
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
      (_request, body, done) => done(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['webhooks'];

    r.post('/api/v1/webhooks/github', {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags,
        security: [],
        summary:
          'GitHub webhook (issues, issue_comment, pull_request, release), signed with GITHUB_WEBHOOK_SECRET',
        description:
          'Answers 404 when GITHUB_WEBHOOK_SECRET is not set, 401 on a missing or wrong X-Hub-Signature-256, 202 {ignored} for events it does not handle.',
        response: { 200: githubResponse, 201: githubResponse, 202: githubResponse, ...errors(404) },
      },
      handler: async (request, reply) => {
        const secret = options.githubWebhookSecret;
        if (!secret) throw new AppError('not_found', 'the GitHub webhook is not enabled on this server');
        const result = await receiveGithubDelivery(deps, secret, {
          event: header(request, 'x-github-event') ?? '',
          deliveryId: header(request, 'x-github-delivery') ?? 'unknown',
          signature: header(request, 'x-hub-signature-256'),
          rawBody: rawBodyOf(request),
        });
        if (result.outcome === 'ignored') return reply.code(202).send({ ignored: result.reason });
        const { outcome, ...rest } = result;
        return reply
          .code(outcome === 'created' || outcome === 'deployed' ? 201 : 200)
          .send({ outcome, ...rest });
      },
    });

    r.post('/api/v1/webhooks/inbound/:sourceId', {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags,
        security: [],
        summary: 'Signed inbound webhook of an inbound source: JSON mapped to feedback',
        description: `Sign with HMAC-SHA256(secret, "\${timestamp}.\${body}") as ${INBOUND_SIGNATURE_HEADER}: sha256=<hex>, with ${INBOUND_TIMESTAMP_HEADER}: <unix seconds>. Older than 5 minutes → 401.`,
        params: z.strictObject({ sourceId: z.string().min(1).max(100) }),
        response: { 200: inboundResponse, 201: inboundResponse, ...errors(404, 413) },
      },
      handler: async (request, reply) => {
        const result = await receiveInboundDelivery(deps, request.params.sourceId, {
          signature: header(request, INBOUND_SIGNATURE_HEADER),
          timestamp: header(request, INBOUND_TIMESTAMP_HEADER),
          rawBody: rawBodyOf(request),
        });
        return reply.code(result.outcome === 'created' ? 201 : 200).send(result);
      },
    });
  });
}
