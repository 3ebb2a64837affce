import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../usecases/context.ts';
import { type ExportSink, exportData } from '../../usecases/export/export.ts';
import { errors } from '../schemas.ts';

/**
 * `GET /api/v1/export`, streamed straight from a database snapshot rather than run as a background
 * job: the first bytes leave at once, memory stays at one page of rows whatever the size (the
 * response waits for the client, and the export for the response), nothing is stored on the
 * server, and any app process can answer it. A job would have to keep the whole file somewhere
 * every process can serve it from until it is fetched. An export that fails half-way ends the
 * connection before the file's end line, which import-all and any careful reader recognise.
 */
export function registerExportRoutes(app: FastifyInstance, deps: Deps): void {
  // Not the zod type provider: its typed reply takes the schema's string, and this one sends a stream.
  app.get('/api/v1/export', {
    schema: {
      tags: ['data'],
      summary:
        'Everything as JSON Lines, streamed (admins): the format of `productos export`, without secrets',
      description:
        'The first line is a header (`secrets: false`, the columns withheld), then per table a line announcing its columns and row count followed by one line per row, in dependency order, and an end line. Password hashes, webhook secrets and unsubscribe tokens are withheld and other people’s private reflections left out, so this is the company’s data, not a backup: `productos export` on the server makes the complete one.',
      response: { 200: z.string().describe('application/x-ndjson'), ...errors(403) },
    },
    handler: async (request, reply) => {
      const body = new PassThrough();
      reply.raw.on('close', () => body.destroy());
      let started = false;
      let onStart: () => void = () => undefined;
      const firstChunk = new Promise<void>((resolve) => {
        onStart = resolve;
      });
      const sink: ExportSink = async (chunk) => {
        started = true;
        onStart();
        if (body.destroyed) throw new Error('the client closed the connection');
        if (!body.write(chunk)) await Promise.race([once(body, 'drain'), once(body, 'close')]);
      };
      const done = exportData(deps, request.actor, { audience: 'admin' }, sink).then(
        () => void body.end(),
        (error: Error) => {
          // Before the first byte the error is an ordinary error response; after it, the cut
          // connection (and the missing end line) is all a client can be told.
          if (!started) throw error;
          if (!body.destroyed) request.log.error({ err: error }, 'export failed after it started');
          body.destroy(error);
        },
      );
      await Promise.race([firstChunk, done]);
      const day = deps.clock().toISOString().slice(0, 10);
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="productos-export-${day}.jsonl"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  });
}
