import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/domain/authorization.ts';
import type { TestApp } from '../support/app.ts';

/** Reads an import fixture (shared with the parser tests) as raw bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(fileURLToPath(new URL(`../integrations/fixtures/${name}`, import.meta.url)));
}

/** POSTs a file as the raw body of /api/v1/imports, as a user with a bearer token. */
export function postImport(
  t: TestApp,
  as: Role | null,
  query: string,
  body: Buffer | string,
  contentType = 'text/csv',
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (as) headers.authorization = `Bearer ${t.users[as].token}`;
  return t.app.inject({ method: 'POST', url: `/api/v1/imports?${query}`, headers, payload: body });
}

export interface FeedbackItem {
  id: string;
  text: string;
  productId: string | null;
  status: string;
  moderation: string | null;
  source: { channel: string; externalId: string | null; url: string | null };
  account: { id: string; name: string; arr: number | null; currency: string; segment: string | null } | null;
}

/** Every feedback item a query returns, following cursors. */
export async function allFeedback(t: TestApp, query = ''): Promise<FeedbackItem[]> {
  const items: FeedbackItem[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/v1/feedback?limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
    const page = (await t.call('viewer', 'GET', url)).json();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
