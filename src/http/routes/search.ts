import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { searchQuery, searchResultSchema } from '../../domain/search.ts';
import type { Deps } from '../../usecases/context.ts';
import { search } from '../../usecases/search.ts';
import { errors, pageOf } from '../schemas.ts';

/** One search box over the loop's objects. */
export function registerSearchRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/search', {
    schema: {
      tags: ['search'],
      summary: 'Find feedback, patterns, improvements, products, accounts and people by words, ranked',
      description: [
        'Every word must match (stemmed, accents ignored); the last one also matches as a prefix. Words',
        'are letters and digits: anything else separates them, so there is no query syntax to escape.',
        'Results are ranked by BM25F over title and body among each type’s 200 most recent matches.',
        '`title` and `snippet` are arrays of `{text, match}` segments: render each `text` as plain text',
        '(never as HTML) and highlight those with `match: true`; joined, they are the item’s own text',
        '(white space collapsed, "…" where it was cut).',
      ].join(' '),
      querystring: searchQuery,
      response: { 200: pageOf(searchResultSchema), ...errors() },
    },
    handler: async (request) => search(deps, request.actor, request.query),
  });
}
