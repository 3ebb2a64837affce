import { type Actor, authorize } from '../../domain/authorization.ts';
import { AppError } from '../../domain/errors.ts';
import type { OutboxItem, OutboxQuery } from '../../domain/loop.ts';
import { decodeCursor, type Page, pageLimit, toPage } from '../../store/pagination.ts';
import type { Deps } from '../context.ts';
import { findProductRow } from '../products.ts';
import { presentOutboxItem } from './outbox.ts';

export interface ChangelogEntry {
  deployId: string;
  version: string;
  deployedAt: string;
  notes: string;
  improvements: Array<{ id: string; title: string }>;
}

export interface Changelog {
  product: { id: string; slug: string; name: string };
  items: ChangelogEntry[];
}

/**
 * A product's changelog: its deploys, newest first, with the titles of the improvements each
 * carried. A product whose public portal is on has a public changelog too (end users and feed
 * readers, signed out); any other needs a signed-in reader.
 */
export async function getChangelog(
  deps: Deps,
  actor: Actor | null,
  productIdOrSlug: string,
  limit = 100,
): Promise<Changelog> {
  const db = deps.store.db;
  const product = await findProductRow(db, productIdOrSlug).catch((error: unknown) => {
    if (!actor) authorize(actor, 'loop:read'); // signed out: do not reveal which products exist
    throw error;
  });
  if (!(actor === null && product.portal_enabled === 1)) authorize(actor, 'loop:read');
  const deploys = await db
    .selectFrom('deploys')
    .selectAll()
    .where('product_id', '=', product.id)
    .orderBy('deployed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const carried = deploys.length
    ? await db
        .selectFrom('deploy_improvements')
        .innerJoin('improvements', 'improvements.id', 'deploy_improvements.improvement_id')
        .select(['deploy_improvements.deploy_id', 'improvements.id', 'improvements.title'])
        .where(
          'deploy_improvements.deploy_id',
          'in',
          deploys.map((d) => d.id),
        )
        .orderBy('improvements.title')
        .execute()
    : [];
  return {
    product: { id: product.id, slug: product.slug, name: product.name },
    items: deploys.map((d) => ({
      deployId: d.id,
      version: d.version,
      deployedAt: d.deployed_at,
      notes: d.notes,
      improvements: carried.filter((c) => c.deploy_id === d.id).map((c) => ({ id: c.id, title: c.title })),
    })),
  };
}

/** The outbox as builders see it: what waits, what failed and why, how often it was tried. */
export async function listOutbox(
  deps: Deps,
  actor: Actor | null,
  query: OutboxQuery,
): Promise<Page<OutboxItem>> {
  authorize(actor, 'loop:write');
  const db = deps.store.db;
  const limit = pageLimit(query.limit);
  const after = decodeCursor(query.cursor);
  let q = db
    .selectFrom('outbox')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (after) q = q.where('id', '<', after.id);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.kind) q = q.where('kind', '=', query.kind);
  const rows = await q.execute();
  return toPage(
    rows,
    limit,
    (r) => ({ key: r.id, id: r.id }),
    (r) => presentOutboxItem(r),
  );
}

/**
 * Honours an unsubscribe link (no sign-in: the token is the proof). The contact gets no more
 * notifications, and messages already waiting for them are cancelled.
 */
export async function unsubscribe(
  deps: Deps,
  token: string,
): Promise<{ contactId: string; unsubscribedAt: string }> {
  const db = deps.store.db;
  const sub = await db
    .selectFrom('contact_subscriptions')
    .selectAll()
    .where('token', '=', token)
    .executeTakeFirst();
  if (!sub) throw new AppError('not_found', 'this unsubscribe link is unknown or mistyped');
  const at = sub.unsubscribed_at ?? deps.clock().toISOString();
  if (!sub.unsubscribed_at) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('contact_subscriptions')
        .set({ unsubscribed_at: at })
        .where('contact_id', '=', sub.contact_id)
        .execute();
      await trx
        .updateTable('outbox')
        .set({ status: 'cancelled', last_error: 'the contact unsubscribed' })
        .where('contact_id', '=', sub.contact_id)
        .where('status', '=', 'pending')
        .execute();
    });
  }
  return { contactId: sub.contact_id, unsubscribedAt: at };
}

const escapeXml = (value: string) =>
  value
    .replace(
      /[<>&'"]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string,
    )
    // Characters XML 1.0 forbids even when escaped (controls other than tab, newline, return).
    .replace(/./gsu, (c) => (isXmlChar(c.codePointAt(0) ?? 0) ? c : ''));

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
}

/** The changelog as an Atom 1.0 feed (RFC 4287), every text escaped. */
export function changelogToAtom(changelog: Changelog, publicUrl: string, now: Date): string {
  const self = `${publicUrl}/api/v1/products/${changelog.product.id}/changelog.atom`;
  const updated = changelog.items[0]?.deployedAt ?? now.toISOString();
  const entries = changelog.items.map((e) => {
    const lines = [...e.improvements.map((i) => `• ${i.title}`), ...(e.notes ? ['', e.notes] : [])].join(
      '\n',
    );
    return [
      '  <entry>',
      `    <id>urn:productos:deploy:${escapeXml(e.deployId)}</id>`,
      `    <title>${escapeXml(`${changelog.product.name} ${e.version}`)}</title>`,
      `    <updated>${escapeXml(e.deployedAt)}</updated>`,
      `    <link rel="alternate" href="${escapeXml(`${publicUrl}/api/v1/deploys/${e.deployId}`)}"/>`,
      `    <content type="text">${escapeXml(lines || `${changelog.product.name} ${e.version}`)}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>urn:productos:product:${escapeXml(changelog.product.id)}:changelog</id>`,
    `  <title>${escapeXml(`${changelog.product.name} changelog`)}</title>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    `  <link rel="self" href="${escapeXml(self)}"/>`,
    '  <author><name>productOS</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
