import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize } from '../../domain/authorization.ts';
import { authenticate } from '../../usecases/auth.ts';
import type { Deps } from '../../usecases/context.ts';
import { followLiveEvents, REPLAY_LIMIT } from '../../usecases/live-events.ts';
import type { LiveMessage } from '../../usecases/live-messages.ts';
import { errors } from '../schemas.ts';

export interface EventRouteOptions {
  /** How often an idle stream sends a heartbeat comment (and re-checks the caller's session). */
  heartbeatMs: number;
}

const DESCRIPTION = `Server-sent events (\`text/event-stream\`) of every change the caller may see, authenticated like any
route (session cookie or bearer). Frames:

- \`event: change\` with \`id: <event id>\` and \`data:\` one JSON object \`{id, at, actorId, itemType, itemId, action
  (create|update|delete), changed: [field…], patch: {field: new value…}, newInboxItem}\`. \`patch\` holds the new
  value of each changed field as the item's history records it (a link as \`+patternId\`): patch a cached item, or refetch it.
  \`newInboxItem\` is true when a feedback item enters the inbox (created as new, or approved by moderation):
  count those as "N new" rather than inserting them under the cursor. A reflection reaches others only while
  shared with the team, and never with its text.
- \`event: reset\`: the stream cannot replay what was missed (more than ${REPLAY_LIMIT} events, or an unknown id):
  refetch what is on screen.
- \`event: end\`: the session ended (signed out, token revoked); the server closes the stream.
- comment lines (\`: heartbeat …\`) keep proxies from closing an idle stream.

On reconnect a browser's EventSource sends \`Last-Event-ID\` by itself; the events after it are replayed from
the history before live ones (also accepted as \`?lastEventId=\` for the first connection).`;

/** GET /api/v1/events: live updates as server-sent events. */
export function registerEventRoutes(app: FastifyInstance, deps: Deps, options: EventRouteOptions): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const open = new Set<() => void>();
  // Closing the server ends every stream, or it would wait for the clients forever.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  r.get('/api/v1/events', {
    schema: {
      tags: ['live updates'],
      summary: 'Live updates: server-sent events of the changes the caller may see',
      description: DESCRIPTION,
      produces: ['text/event-stream'],
      querystring: z.strictObject({
        lastEventId: z
          .string()
          .max(40)
          .optional()
          .describe('resume after this event (as the Last-Event-ID header)'),
      }),
      response: { 200: z.string().describe('text/event-stream frames, see above'), ...errors() },
    },
    handler: async (request, reply) => {
      authorize(request.actor, 'loop:read');
      const header = request.headers['last-event-id'];
      const lastEventId = (typeof header === 'string' ? header : null) ?? request.query.lastEventId ?? null;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const write = (frame: string) => {
        if (!raw.writableEnded && !raw.destroyed) raw.write(frame);
      };
      write('retry: 3000\n\n');
      let unsubscribe: () => void = () => undefined;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!raw.writableEnded) raw.end();
      };
      const heartbeat = setInterval(() => {
        write(`: heartbeat ${new Date().toISOString()}\n\n`);
        const secret = request.auth?.secret;
        if (!secret) return;
        authenticate(deps, secret).then(
          (still) => {
            if (still) return;
            write('event: end\ndata: {"reason":"signed out"}\n\n');
            end();
          },
          () => undefined,
        );
      }, options.heartbeatMs);
      open.add(end);
      raw.on('close', end);
      const send = (m: LiveMessage) => write(`id: ${m.id}\nevent: change\ndata: ${JSON.stringify(m)}\n\n`);
      try {
        const stop = await followLiveEvents(deps, request.actor, lastEventId, {
          send,
          reset: () => write('event: reset\ndata: {}\n\n'),
        });
        if (ended) stop();
        else unsubscribe = stop;
      } catch (error) {
        request.log.error(error);
        end();
      }
    },
  });
}
