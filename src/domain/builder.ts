import { z } from 'zod';
import { idSchema, LIMITS, listQuery, optionalText, slugSchema, text } from './common.ts';

/**
 * Product Builders: the principles they hold each other to, their personal loop journal
 * (reflections) and the kudos they give each other. Levels live in level-rubric.ts.
 */
export const LOOP_STEPS = ['observe', 'reflect', 'brainstorm', 'implement', 'repeat'] as const;
export type LoopStep = (typeof LOOP_STEPS)[number];
export const VISIBILITIES = ['private', 'team'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Work items a reflection or kudos can point at, and the collection each lives in. */
export const WORK_ITEM_COLLECTIONS = {
  product: 'products',
  feedback: 'feedback',
  pattern: 'patterns',
  improvement: 'improvements',
  deploy: 'deploys',
} as const;
export type WorkItemType = keyof typeof WORK_ITEM_COLLECTIONS;
export const WORK_ITEM_TYPES = Object.keys(WORK_ITEM_COLLECTIONS) as [WorkItemType, ...WorkItemType[]];

/** Where a work item is read through the API. */
export function workItemUrl(type: WorkItemType, id: string): string {
  return `/api/v1/${WORK_ITEM_COLLECTIONS[type]}/${id}`;
}

export const workItemLinkInput = z.strictObject({ type: z.enum(WORK_ITEM_TYPES), id: idSchema });
export type WorkItemLinkInput = z.infer<typeof workItemLinkInput>;
export const workItemLinkSchema = z.object({
  type: z.enum(WORK_ITEM_TYPES),
  id: z.string(),
  url: z.string(),
});
export type WorkItemLink = z.infer<typeof workItemLinkSchema>;

export const principleInput = z.strictObject({
  id: idSchema.optional().describe('keep to change a principle in place (kudos and reflections refer to it)'),
  slug: slugSchema,
  name: text(LIMITS.name),
  description: optionalText(LIMITS.shortText).optional(),
});
export const replacePrinciplesInput = z.strictObject({
  principles: z.array(principleInput).min(1).max(50),
});
export type ReplacePrinciplesInput = z.infer<typeof replacePrinciplesInput>;

export const principleSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
});
export type Principle = z.infer<typeof principleSchema>;

/** A principle named by its id or its slug. */
const principleRef = z.string().trim().min(1).max(100);

export const createReflectionInput = z.strictObject({
  body: text(LIMITS.longText).describe('markdown'),
  step: z.enum(LOOP_STEPS).describe('the step of the loop it is about'),
  principles: z.array(principleRef).max(14).optional().describe('slugs or ids'),
  links: z.array(workItemLinkInput).max(50).optional(),
  visibility: z
    .enum(VISIBILITIES)
    .optional()
    .describe('private (only you, admins included) or team; default private'),
});
export type CreateReflectionInput = z.infer<typeof createReflectionInput>;
export const updateReflectionInput = createReflectionInput.partial();
export type UpdateReflectionInput = z.infer<typeof updateReflectionInput>;

export const reflectionListQuery = listQuery.extend({
  authorId: idSchema.optional(),
  step: z.enum(LOOP_STEPS).optional(),
});
export type ReflectionListQuery = z.infer<typeof reflectionListQuery>;

export const reflectionSchema = z.object({
  id: z.string(),
  authorId: z.string(),
  body: z.string(),
  bodyHtml: z.string().describe('the markdown rendered and sanitised'),
  step: z.enum(LOOP_STEPS),
  principles: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
  links: z.array(workItemLinkSchema),
  visibility: z.enum(VISIBILITIES),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Reflection = z.infer<typeof reflectionSchema>;

export const reflectionPromptSchema = z.object({
  kind: z.enum(['decision', 'deploy', 'verdict']),
  step: z.enum(LOOP_STEPS),
  question: z.string(),
  link: workItemLinkSchema,
  at: z.string(),
});
export type ReflectionPrompt = z.infer<typeof reflectionPromptSchema>;

export const createKudosInput = z.strictObject({
  toUserId: idSchema,
  principle: principleRef.describe('slug or id'),
  body: text(LIMITS.shortText),
  link: workItemLinkInput.nullable().optional().describe('the work item it is for'),
});
export type CreateKudosInput = z.infer<typeof createKudosInput>;

export const kudosListQuery = listQuery.extend({
  toUserId: idSchema.optional(),
  fromUserId: idSchema.optional(),
});
export type KudosListQuery = z.infer<typeof kudosListQuery>;

export const kudosSchema = z.object({
  id: z.string(),
  fromUserId: z.string(),
  toUserId: z.string(),
  principle: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  body: z.string(),
  link: workItemLinkSchema.nullable(),
  createdAt: z.string(),
});
export type Kudos = z.infer<typeof kudosSchema>;
