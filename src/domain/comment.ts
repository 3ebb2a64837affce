import { z } from 'zod';
import { LIMITS, text } from './common.ts';

/** Collections whose items can be commented on and have a history, as named in URLs. */
export const ITEM_COLLECTIONS = {
  products: 'product',
  accounts: 'account',
  contacts: 'contact',
  feedback: 'feedback',
  patterns: 'pattern',
  improvements: 'improvement',
  deploys: 'deploy',
  users: 'user',
} as const;
export type ItemCollection = keyof typeof ITEM_COLLECTIONS;
export type ItemType = (typeof ITEM_COLLECTIONS)[ItemCollection];

export const createCommentInput = z.strictObject({ body: text(LIMITS.longText).describe('markdown') });
export const updateCommentInput = createCommentInput;
export type CreateCommentInput = z.infer<typeof createCommentInput>;

export const commentSchema = z.object({
  id: z.string(),
  itemType: z.string(),
  itemId: z.string(),
  authorId: z.string().nullable(),
  body: z.string(),
  bodyHtml: z.string().describe('the markdown rendered and sanitised'),
  mentions: z.array(z.string()).describe('emails of users @mentioned'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Comment = z.infer<typeof commentSchema>;

export const eventSchema = z.object({
  id: z.string(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  itemType: z.string(),
  itemId: z.string(),
  action: z.enum(['create', 'update', 'delete']),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
});
export type HistoryEvent = z.infer<typeof eventSchema>;

/** Emails @mentioned in a markdown body ("@ana@acme.test"). */
export function mentionsIn(body: string): string[] {
  const found = body.match(/@([\w.+-]+@[\w-]+(\.[\w-]+)+)/g) ?? [];
  return [...new Set(found.map((m) => m.slice(1).toLowerCase()))];
}
