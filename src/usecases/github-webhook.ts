import type { Actor } from '../domain/authorization.ts';
import { LIMITS } from '../domain/common.ts';
import { AppError } from '../domain/errors.ts';
import {
  type GithubEventInterpretation,
  interpretGithubEvent,
  verifyGithubSignature,
} from '../integrations/github.ts';
import { type Deps, inTransaction } from './context.ts';
import { createDeploy } from './deploys.ts';
import { updateFeedback } from './feedback.ts';
import { ingestFeedback } from './feedback-ingest.ts';
import { ProductResolver, toCreateFeedbackInput } from './incoming.ts';

/** GitHub's deliveries are authenticated by their signature, and act as this system actor. */
export const GITHUB_ACTOR: Actor = { kind: 'system', userId: null, role: 'builder', name: 'github' };

export interface GithubDelivery {
  /** X-GitHub-Event */
  event: string;
  /** X-GitHub-Delivery */
  deliveryId: string;
  /** X-Hub-Signature-256 */
  signature: string | undefined;
  /** The body exactly as received: the signature covers these bytes, not a re-serialisation. */
  rawBody: Buffer;
}

export type GithubOutcome =
  | { outcome: 'created' | 'existing' | 'updated'; feedbackId: string }
  | { outcome: 'merged'; links: number }
  | { outcome: 'deployed' | 'already_deployed'; deployId: string }
  | { outcome: 'ignored'; reason: string };

/**
 * Handles one GitHub webhook delivery: verifies its signature with the configured secret, then
 * turns issues and comments into feedback (an edit updates the item, a redelivery changes
 * nothing), marks implementation links of a merged pull request as merged, and records a
 * published release as a deploy of the product mapped to the repository.
 */
export async function receiveGithubDelivery(
  deps: Deps,
  secret: string,
  delivery: GithubDelivery,
): Promise<GithubOutcome> {
  if (!verifyGithubSignature(secret, delivery.rawBody, delivery.signature)) {
    throw new AppError(
      'unauthenticated',
      'X-Hub-Signature-256 is missing or does not match the body signed with the webhook secret',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    throw new AppError(
      'invalid',
      'the body is not valid JSON (set the webhook content type to application/json)',
      { body: 'malformed JSON' },
    );
  }
  const event = interpretGithubEvent(delivery.event, delivery.deliveryId, payload);
  switch (event.kind) {
    case 'feedback':
      return storeIssueFeedback(deps, event);
    case 'pull_request_merged':
      return markLinksMerged(deps, event.url);
    case 'release_published':
      return recordRelease(deps, event);
    case 'ignored':
      return { outcome: 'ignored', reason: event.reason };
  }
}

async function storeIssueFeedback(
  deps: Deps,
  event: Extract<GithubEventInterpretation, { kind: 'feedback' }>,
): Promise<GithubOutcome> {
  const repository = event.item.product ?? '';
  const productId = repository ? await new ProductResolver(deps.store.db).byRepository(repository) : null;
  const converted = toCreateFeedbackInput({ ...event.item, product: null }, productId);
  if (!converted.ok) return { outcome: 'ignored', reason: `unusable feedback: ${converted.error}` };
  const [result] = (await ingestFeedback(deps, GITHUB_ACTOR, [converted.input])).items;
  if (result.status === 'created') return { outcome: 'created', feedbackId: result.feedback.id };
  // Same issue or comment again: an edit changes the text, a redelivery changes nothing.
  if (result.feedback.text === converted.input.text)
    return { outcome: 'existing', feedbackId: result.feedback.id };
  await updateFeedback(deps, GITHUB_ACTOR, result.feedback.id, { text: converted.input.text });
  return { outcome: 'updated', feedbackId: result.feedback.id };
}

async function markLinksMerged(deps: Deps, url: string): Promise<GithubOutcome> {
  const links = await inTransaction(deps, GITHUB_ACTOR, async (tx) => {
    const open = await tx.db
      .selectFrom('implementation_links')
      .selectAll()
      .where('url', 'in', [url, `${url}/`])
      .where('state', '!=', 'merged')
      .execute();
    for (const link of open) {
      await tx.db
        .updateTable('implementation_links')
        .set({ state: 'merged', updated_at: tx.now })
        .where('id', '=', link.id)
        .execute();
      await tx.record('improvement', link.improvement_id, 'update', {
        [`link ${link.url}`]: { before: link.state, after: 'merged' },
      });
    }
    return open.length;
  });
  return { outcome: 'merged', links };
}

async function recordRelease(
  deps: Deps,
  event: Extract<GithubEventInterpretation, { kind: 'release_published' }>,
): Promise<GithubOutcome> {
  const productId = await new ProductResolver(deps.store.db).byRepository(event.repository);
  if (!productId)
    return { outcome: 'ignored', reason: `no product is mapped to repository ${event.repository}` };
  const version = event.tag.slice(0, LIMITS.name);
  const findExisting = () =>
    deps.store.db
      .selectFrom('deploys')
      .select('id')
      .where('product_id', '=', productId)
      .where('version', '=', version)
      .executeTakeFirst();
  const existing = await findExisting();
  if (existing) return { outcome: 'already_deployed', deployId: existing.id };
  const notes = [event.name, event.body, event.url].filter((part): part is string => !!part).join('\n\n');
  try {
    const deploy = await createDeploy(deps, GITHUB_ACTOR, {
      productId,
      version,
      deployedAt: event.publishedAt ?? undefined,
      notes: notes.slice(0, LIMITS.longText),
      improvementIds: await improvementsShippedBy(deps, productId),
    });
    return { outcome: 'deployed', deployId: deploy.id };
  } catch (error) {
    // A redelivery racing the first one: the deploy exists now, which is all we wanted.
    const raced = error instanceof AppError && error.code === 'conflict' ? await findExisting() : undefined;
    if (raced) return { outcome: 'already_deployed', deployId: raced.id };
    throw error;
  }
}

/**
 * The improvements a release of a product carries: those being built whose pull requests are all
 * merged (at least one). Their requesters are then told it shipped, as with a deploy made by hand.
 */
async function improvementsShippedBy(deps: Deps, productId: string): Promise<string[]> {
  const rows = await deps.store.db
    .selectFrom('improvements')
    .innerJoin('implementation_links', 'implementation_links.improvement_id', 'improvements.id')
    .select(['improvements.id', 'implementation_links.state'])
    .where('improvements.product_id', '=', productId)
    .where('improvements.status', '=', 'building')
    .where('implementation_links.kind', '=', 'pull_request')
    .execute();
  const allMerged = new Map<string, boolean>();
  for (const row of rows) allMerged.set(row.id, (allMerged.get(row.id) ?? true) && row.state === 'merged');
  return [...allMerged].filter(([, merged]) => merged).map(([id]) => id);
}
