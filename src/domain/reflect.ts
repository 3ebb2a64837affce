import { z } from 'zod';
import { idSchema } from './common.ts';

/** Reflect: suggestions for one feedback item, discovery proposals and near-duplicate groups. */
export const suggestionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(10).optional().describe('how many patterns (default 5)'),
});

export const suggestionsSchema = z.object({
  suggestions: z.array(
    z.object({
      patternId: z.string(),
      title: z.string(),
      score: z.number().describe('0..1'),
      matchedTerms: z
        .array(z.string())
        .describe('words of the item that also occur in the pattern’s evidence'),
      quotes: z
        .array(
          z.object({
            feedbackId: z.string(),
            text: z.string().describe('the linked item’s text, cut to 200 characters'),
            similarity: z.number().describe('cosine with this item, -1..1'),
          }),
        )
        .describe('the pattern’s linked feedback nearest to this item, nearest first (at most 3)'),
    }),
  ),
  noneFits: z.boolean().describe('true when no existing pattern scores above the calibrated threshold'),
  representation: z.string().describe('builtin, or builtin+embeddings'),
});
export type Suggestions = z.infer<typeof suggestionsSchema>;

export const discoverInput = z.strictObject({
  productId: idSchema.optional(),
  k: z
    .union([z.number().int().min(1).max(2_000), z.literal('auto')])
    .optional()
    .describe('number of groups (default auto)'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .optional(),
  limit: z
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('proposals returned, largest first (default 50)'),
});
export type DiscoverInput = z.infer<typeof discoverInput>;

const arrSchema = z.array(z.object({ currency: z.string(), amount: z.number() }));

export const proposalSchema = z.object({
  label: z.string(),
  topTerms: z.array(z.string()),
  representatives: z.array(z.object({ feedbackId: z.string(), text: z.string() })),
  size: z.number(),
  feedbackIds: z.array(z.string()).describe('accept: POST /api/v1/patterns {title, feedbackIds}'),
  distinctAccounts: z.number(),
  arrAtStake: arrSchema,
});
export type Proposal = z.infer<typeof proposalSchema>;

export const discoverySchema = z.object({
  proposals: z.array(proposalSchema),
  items: z.number().describe('unlinked feedback items clustered'),
  truncated: z.boolean().describe('true when only the most recent items (the cap) were clustered'),
  k: z.number(),
  seconds: z.number(),
});
export type Discovery = z.infer<typeof discoverySchema>;

export const duplicatesQuery = z.strictObject({
  productId: idSchema.optional(),
  threshold: z.coerce
    .number()
    .min(0.5)
    .max(1)
    .optional()
    .describe('cosine of the lexical vectors (default 0.85)'),
});
export type DuplicatesQuery = z.infer<typeof duplicatesQuery>;

export const duplicatesSchema = z.object({
  groups: z.array(
    z.object({
      feedbackIds: z.array(z.string()).describe('oldest first'),
      minSimilarity: z.number(),
      items: z.array(z.object({ id: z.string(), text: z.string(), receivedAt: z.string() })),
    }),
  ),
  items: z.number().describe('inbox items compared'),
  truncated: z.boolean(),
});
export type Duplicates = z.infer<typeof duplicatesSchema>;

export const reflectStatusSchema = z.object({
  ready: z.boolean(),
  representation: z.string(),
  warning: z.string().nullable(),
  patterns: z.number(),
  examples: z.number(),
  modelVersion: z.number(),
  /**
   * The pre-trained word vectors the built-in model uses (package@version/words), or null when it
   * runs on the feedback corpus alone (package missing, switched off, or a model fitted before them).
   */
  wordVectors: z.string().nullable(),
  /** Corpus size (feedback texts) when the built-in model was last fitted; it refits when the corpus doubles. */
  modelFittedOn: z.number(),
  modelFittedAt: z.string().nullable(),
  refitting: z.boolean(),
  /** Unlinked feedback items whose words currently count toward their most likely pattern. */
  unlinkedLearnedFrom: z.number(),
});

/** What a model refresh did. */
export const modelRefreshSchema = z.object({
  action: z.enum(['none', 'refitted', 'reloaded']),
  fittedOn: z.number(),
  corpus: z.number(),
  modelVersion: z.number(),
  learnedFromUnlinked: z.number().nullable(),
});
