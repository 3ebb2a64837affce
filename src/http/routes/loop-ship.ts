import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createWebhookInput, outboxItemSchema, outboxQuery, webhookSchema } from '../../domain/loop.ts';
import type { Deps } from '../../usecases/context.ts';
import { changelogToAtom, getChangelog, listOutbox, unsubscribe } from '../../usecases/loop/ship.ts';
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
} from '../../usecases/loop/webhooks.ts';
import { errors, idParams, noContent, pageOf } from '../schemas.ts';
import { changelogSchema } from './loop-schemas.ts';

const UNSUBSCRIBED_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Unsubscribed</title>
<body style="font-family:system-ui;max-width:36rem;margin:4rem auto"><h1>You are unsubscribed</h1>
<p>You will not get further “you asked, it shipped” messages. Thank you for your feedback.</p></body></html>`;

/** Ship and tell: changelog (JSON and Atom), the outbox, unsubscribe links, outbound webhooks. */
export function registerLoopShipRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const publicUrl = () => deps.loop.settings.publicUrl;

  const atom = async (actor: Parameters<typeof getChangelog>[1], id: string) =>
    changelogToAtom(await getChangelog(deps, actor, id), publicUrl(), deps.clock());
  r.get('/api/v1/products/:id/changelog', {
    schema: {
      tags: ['deploys'],
      summary: 'A product’s changelog from its deploys (JSON; ?format=atom or /changelog.atom for Atom)',
      params: idParams,
      querystring: z.strictObject({ format: z.enum(['json', 'atom']).optional() }),
      response: { 200: changelogSchema.or(z.string()), ...errors(404) },
    },
    handler: async (request, reply) => {
      if (request.query.format === 'atom')
        return reply
          .type('application/atom+xml; charset=utf-8')
          .send(await atom(request.actor, request.params.id));
      return getChangelog(deps, request.actor, request.params.id);
    },
  });
  r.get('/api/v1/products/:id/changelog.atom', {
    schema: {
      tags: ['deploys'],
      summary: 'A product’s changelog as an Atom feed',
      params: idParams,
      response: { 200: z.string().describe('Atom 1.0 XML'), ...errors(404) },
    },
    handler: async (request, reply) =>
      reply.type('application/atom+xml; charset=utf-8').send(await atom(request.actor, request.params.id)),
  });

  r.get('/api/v1/outbox', {
    schema: {
      tags: ['loop'],
      summary: 'Messages waiting, sent or failed: attempts, last error, next attempt (builders)',
      querystring: outboxQuery,
      response: { 200: pageOf(outboxItemSchema), ...errors(403) },
    },
    handler: async (request) => listOutbox(deps, request.actor, request.query),
  });

  const unsubscribeQuery = z.strictObject({ token: z.string().min(1).max(200) });
  r.get('/api/v1/unsubscribe', {
    schema: {
      tags: ['loop'],
      summary: 'Unsubscribe link from notification emails (no sign-in)',
      querystring: unsubscribeQuery,
      security: [],
      response: { 200: z.string().describe('an HTML page'), ...errors(404) },
    },
    handler: async (request, reply) => {
      await unsubscribe(deps, request.query.token);
      return reply.type('text/html; charset=utf-8').send(UNSUBSCRIBED_PAGE);
    },
  });
  r.post('/api/v1/unsubscribe', {
    schema: {
      tags: ['loop'],
      summary: 'One-click unsubscribe (RFC 8058)',
      querystring: unsubscribeQuery,
      security: [],
      response: { 200: z.object({ contactId: z.string(), unsubscribedAt: z.string() }), ...errors(404) },
    },
    handler: async (request) => unsubscribe(deps, request.query.token),
  });

  const tags = ['webhooks'];
  r.post('/api/v1/webhooks/outbound', {
    schema: {
      tags,
      summary: 'Register an outbound webhook (admin); the signing secret is in this answer only',
      body: createWebhookInput,
      response: { 201: webhookSchema, ...errors(403) },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createWebhook(deps, request.actor, request.body)),
  });
  r.get('/api/v1/webhooks/outbound', {
    schema: {
      tags,
      summary: 'Outbound webhooks (admin)',
      response: { 200: pageOf(webhookSchema), ...errors(403) },
    },
    handler: async (request) => listWebhooks(deps, request.actor),
  });
  r.delete('/api/v1/webhooks/outbound/:id', {
    schema: {
      tags,
      summary: 'Remove an outbound webhook and its queued deliveries',
      params: idParams,
      response: { 204: noContent, ...errors(403, 404) },
    },
    handler: async (request, reply) => {
      await deleteWebhook(deps, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  });
  r.get('/api/v1/webhooks/outbound/:id/deliveries', {
    schema: {
      tags,
      summary: 'Delivery log: each delivery with every attempt (status code, error, duration)',
      params: idParams,
      response: { 200: pageOf(outboxItemSchema), ...errors(403, 404) },
    },
    handler: async (request) => listWebhookDeliveries(deps, request.actor, request.params.id),
  });
}
