import { randomBytes } from 'node:crypto';
import { type Actor, authorize } from '../domain/authorization.ts';
import type { ListQuery } from '../domain/common.ts';
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import type {
  CreatedInboundSource,
  CreateInboundSourceInput,
  InboundSource,
} from '../domain/inbound-source.ts';
import {
  type InboundMapping,
  mapInboundPayload,
  verifyInboundSignature,
} from '../integrations/inbound-webhook.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../store/pagination.ts';
import type { InboundSourcesTable } from '../store/schema.ts';
import { type Deps, diff, inTransaction } from './context.ts';
import { ingestFeedback } from './feedback-ingest.ts';
import { ProductResolver, productOfIncoming, toCreateFeedbackInput } from './incoming.ts';
import { assertProductExists } from './products.ts';

/** Requests signed longer ago than this (or this far in the future) are refused as replays. */
export const INBOUND_TOLERANCE_SECONDS = 300;

/** Whitelist presenter: the secret never leaves except in the creation response. */
export function presentInboundSource(row: InboundSourcesTable): InboundSource {
  return {
    id: row.id,
    name: row.name,
    mapping: JSON.parse(row.mapping_json),
    productId: row.product_id,
    path: `/api/v1/webhooks/inbound/${row.id}`,
    createdAt: row.created_at,
  };
}

/** Creates an inbound source; its secret (given or generated) is returned this once only. */
export async function createInboundSource(
  deps: Deps,
  actor: Actor | null,
  input: CreateInboundSourceInput,
): Promise<CreatedInboundSource> {
  authorize(actor, 'settings:manage');
  return inTransaction(deps, actor, async (tx) => {
    await assertProductExists(tx.db, input.productId);
    const row: InboundSourcesTable = {
      id: newId(),
      name: input.name,
      secret: input.secret ?? randomBytes(32).toString('base64url'),
      mapping_json: JSON.stringify(input.mapping),
      product_id: input.productId ?? null,
      created_by: tx.actor.userId,
      created_at: tx.now,
    };
    await tx.db.insertInto('inbound_sources').values(row).execute();
    const source = presentInboundSource(row);
    await tx.record('inbound_source', row.id, 'create', diff(null, source));
    return { ...source, secret: row.secret };
  });
}

export async function listInboundSources(
  deps: Deps,
  actor: Actor | null,
  query: ListQuery,
): Promise<Page<InboundSource>> {
  authorize(actor, 'settings:manage');
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = deps.store.db
    .selectFrom('inbound_sources')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  return toPage(await q.execute(), limit, (r) => ({ key: r.id, id: r.id }), presentInboundSource);
}

export async function deleteInboundSource(deps: Deps, actor: Actor | null, id: string): Promise<void> {
  authorize(actor, 'settings:manage');
  await inTransaction(deps, actor, async (tx) => {
    const row = await tx.db.selectFrom('inbound_sources').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('inbound source', id);
    await tx.db.deleteFrom('inbound_sources').where('id', '=', id).execute();
    await tx.record('inbound_source', id, 'delete', diff(presentInboundSource(row), null));
  });
}

export interface InboundDelivery {
  signature: string | undefined;
  timestamp: string | undefined;
  /** The body exactly as received: the signature covers `${timestamp}.${rawBody}`. */
  rawBody: Buffer;
}

const REFUSALS = {
  missing_signature: 'the x-productos-signature header is missing',
  bad_signature: "the signature does not match the body signed with this source's secret",
  stale_timestamp: `the x-productos-timestamp is more than ${INBOUND_TOLERANCE_SECONDS / 60} minutes away from now: replays are refused`,
  bad_timestamp: 'the x-productos-timestamp header must be Unix time in seconds',
} as const;

/**
 * Receives one signed delivery for a source: verifies signature and freshness, maps the JSON
 * with the source's mapping, and stores it as feedback on channel `webhook` (idempotent when the
 * mapping names an externalId).
 */
export async function receiveInboundDelivery(
  deps: Deps,
  sourceId: string,
  delivery: InboundDelivery,
): Promise<{ outcome: 'created' | 'existing'; feedbackId: string }> {
  const source = await deps.store.db
    .selectFrom('inbound_sources')
    .selectAll()
    .where('id', '=', sourceId)
    .executeTakeFirst();
  if (!source) throw notFound('inbound source', sourceId);
  const verdict = verifyInboundSignature({
    secret: source.secret,
    signatureHeader: delivery.signature,
    timestampHeader: delivery.timestamp,
    rawBody: delivery.rawBody,
    now: deps.clock(),
    toleranceSeconds: INBOUND_TOLERANCE_SECONDS,
  });
  if (!verdict.ok)
    throw new AppError('unauthenticated', REFUSALS[verdict.reason], undefined, { reason: verdict.reason });

  let payload: unknown;
  try {
    payload = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    throw new AppError('invalid', 'the body is not valid JSON', { body: 'malformed JSON' });
  }
  const mapped = mapInboundPayload(JSON.parse(source.mapping_json) as InboundMapping, payload);
  if (!mapped.ok)
    throw new AppError('invalid', `the payload does not fit this source's mapping: ${mapped.error}`, {
      body: mapped.error,
    });
  const product = await productOfIncoming(new ProductResolver(deps.store.db), mapped.item, source.product_id);
  const converted = product.ok ? toCreateFeedbackInput(mapped.item, product.productId) : product;
  if (!converted.ok) throw new AppError('invalid', converted.error, { body: converted.error });

  const actor: Actor = { kind: 'system', userId: null, role: 'builder', name: `inbound:${source.name}` };
  const [result] = (await ingestFeedback(deps, actor, [converted.input])).items;
  return { outcome: result.status, feedbackId: result.feedback.id };
}
