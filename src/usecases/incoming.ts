import { type CreateFeedbackInput, createFeedbackInput } from '../domain/feedback.ts';
import { describeZodIssues, type IncomingFeedback } from '../integrations/incoming-feedback.ts';
import type { Db } from './context.ts';

/**
 * Resolves the product a channel names (an id, a slug or a name, as import files and webhook
 * payloads carry them) to its id, remembering answers so a 100k-row import asks once per name.
 */
export class ProductResolver {
  private readonly known = new Map<string, string | null>();

  constructor(private readonly db: Db) {}

  /** The product's id, or null when no product has that id, slug or (case-insensitive) name. */
  async resolve(reference: string): Promise<string | null> {
    const key = reference.trim();
    if (this.known.has(key)) return this.known.get(key) ?? null;
    const row = await this.db
      .selectFrom('products')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('id', '=', key),
          eb('slug', '=', key.toLowerCase()),
          eb(eb.fn('lower', ['name']), '=', key.toLowerCase()),
        ]),
      )
      .orderBy('id')
      .executeTakeFirst();
    const id = row?.id ?? null;
    this.known.set(key, id);
    return id;
  }

  /** The product mapped to a GitHub repository ("owner/name"), or null. */
  async byRepository(repository: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('products')
      .select('id')
      .where('repository', '=', repository.toLowerCase())
      .executeTakeFirst();
    return row?.id ?? null;
  }
}

export type ConvertedFeedback = { ok: true; input: CreateFeedbackInput } | { ok: false; error: string };

/**
 * Maps what a channel parsed (IncomingFeedback) onto the API's feedback input and validates it
 * with the same schema as POST /api/v1/feedback, so every channel obeys the same limits.
 */
export function toCreateFeedbackInput(item: IncomingFeedback, productId: string | null): ConvertedFeedback {
  const contact = item.contact
    ? {
        email: item.contact.email ?? null,
        name: item.contact.name || null,
        account: item.contact.account || null,
        arr: item.contact.arr ?? null,
        ...(item.contact.currency ? { currency: item.contact.currency } : {}),
        segment: item.contact.segment || null,
        plan: item.contact.plan || null,
      }
    : null;
  const candidate = {
    text: item.text,
    productId,
    surface: item.surface ?? null,
    ...(item.receivedAt ? { receivedAt: item.receivedAt } : {}),
    source: {
      channel: item.source.channel,
      externalId: item.source.externalId ?? null,
      url: item.source.url ?? null,
    },
    contact,
  };
  const parsed = createFeedbackInput.safeParse(candidate);
  return parsed.success
    ? { ok: true, input: parsed.data }
    : { ok: false, error: describeZodIssues(parsed.error) };
}

/**
 * The product of one incoming item: its own reference when it names one (unknown → error), else
 * the channel's default.
 */
export async function productOfIncoming(
  resolver: ProductResolver,
  item: IncomingFeedback,
  fallbackProductId: string | null,
): Promise<{ ok: true; productId: string | null } | { ok: false; error: string }> {
  const reference = item.productId ?? item.product ?? null;
  if (!reference) return { ok: true, productId: fallbackProductId };
  const id = await resolver.resolve(reference);
  return id
    ? { ok: true, productId: id }
    : { ok: false, error: `product: no product with id, slug or name "${reference}"` };
}
