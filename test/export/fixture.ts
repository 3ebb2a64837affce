/**
 * A database with something in every table, made the way people make it: through the API. The
 * values are chosen to catch what breaks between SQLite and PostgreSQL (large ARR, fractions,
 * unicode, quotes and newlines, nulls, booleans, a merged pattern and a duplicate pointing back
 * into their own tables). Tables this does not reach (another engineer's new table) are filled by
 * `fillEmptyTables` with rows built from the schema itself.
 */
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../../src/store/database.ts';
import { readSchema, type TableInfo } from '../../src/store/introspect.ts';
import { dependencyOrder, policyOf } from '../../src/usecases/export/tables.ts';
import { startReceiver } from '../loop/helpers.ts';
import type { TestApp } from '../support/app.ts';

const DAY = 86_400_000;

async function ok(
  t: TestApp,
  as: 'admin' | 'builder' | 'viewer' | null,
  method: string,
  url: string,
  body?: unknown,
) {
  const res = await t.call(as, method, url, body);
  assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.body ? res.json() : null;
}

/** What the fixture made, for tests that look for particular rows. */
export interface Fixture {
  privateReflectionOfBuilder: string;
  teamReflectionOfBuilder: string;
  privateReflectionOfAdmin: string;
  webhookSecret: string;
  inboundSecret: string;
}

/** Fills every table the API reaches, on the test app's database. */
export async function fillThroughApi(t: TestApp): Promise<Fixture> {
  const now = t.clock.now().getTime();
  const etcher = await ok(t, 'builder', 'POST', '/api/v1/products', {
    name: 'Etcher “Pro” <beta>',
    slug: 'etcher',
    problem: 'Flash OS images safely\nwithout bricking a card',
    surfaces: [
      { name: 'flash-api', kind: 'http', specUrl: 'https://example.test/openapi.json', version: '2.1' },
      { name: 'etcher-cli', kind: 'cli' },
    ],
  });
  await ok(t, 'builder', 'PATCH', `/api/v1/products/${etcher.id}`, { portalEnabled: true });
  await ok(t, 'builder', 'POST', '/api/v1/products', {
    name: 'Fleet',
    problem: 'Operate many devices',
    surfaces: [{ name: 'devices', kind: 'event', status: 'deprecated' }],
    dependsOn: [{ productId: 'etcher', surface: 'flash-api' }],
    alternatives: [
      { productId: etcher.id, note: 'for single devices' },
      { name: 'Mender', url: 'https://mender.io' },
    ],
  });
  await ok(t, 'builder', 'POST', '/api/v1/accounts', {
    name: 'Acme Robotics GmbH',
    arr: 123_456_789_012,
    currency: 'EUR',
    segment: 'enterprise',
    plan: 'pro',
  });

  const texts = [
    'Flashing fails at 99% on macOS — every time',
    'Écrire l’image échoue à 99 % 🚀 "quoted" and \\backslashed\\',
    'Verification is slow\nsecond line\ttabbed',
    'The drive picker is confusing',
    'Flashing fails at 99% on macOS — every time',
  ];
  const batch = await ok(t, 'builder', 'POST', '/api/v1/feedback', {
    items: texts.map((text, i) => ({
      text,
      productId: etcher.id,
      receivedAt: new Date(now - (10 - i) * DAY).toISOString(),
      source: { channel: 'email', externalId: `msg-${i}`, url: `https://mail.example.test/${i}` },
      contact: {
        email: i % 2 === 0 ? 'ana@acme.test' : 'bo@globex.test',
        name: i % 2 === 0 ? 'Ana Müller' : 'Bo',
        account: i % 2 === 0 ? 'Acme Robotics GmbH' : 'Globex',
        ...(i % 2 === 1 ? { arr: 50_000_00 } : {}),
      },
    })),
  });
  const feedbackIds: string[] = batch.items.map((item: { id: string }) => item.id);
  const repeat = await ok(t, 'builder', 'POST', '/api/v1/feedback', {
    text: texts[0],
    productId: etcher.id,
    receivedAt: new Date(now - 10 * DAY + 60_000).toISOString(),
    contact: { email: 'ana@acme.test' },
  });
  assert.ok(repeat.duplicateOfId, 'an exact repeat within a day is flagged as a duplicate');
  await ok(t, 'builder', 'PATCH', `/api/v1/feedback/${feedbackIds[3]}`, {
    status: 'dismissed',
    dismissReason: 'not_actionable',
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/portal/feedback',
    remoteAddress: '203.0.113.7',
    payload: {
      productSlug: 'etcher',
      text: 'From the portal: please add dark mode',
      email: 'cy@example.test',
    },
  });

  const patternA = await ok(t, 'builder', 'POST', '/api/v1/patterns', {
    title: 'Flashing fails',
    productId: etcher.id,
    feedbackIds: [feedbackIds[0], feedbackIds[1]],
  });
  const patternB = await ok(t, 'builder', 'POST', '/api/v1/patterns', {
    title: 'Slow verification',
    productId: etcher.id,
  });
  await ok(t, 'builder', 'POST', `/api/v1/patterns/${patternB.id}/feedback`, {
    feedbackIds: [feedbackIds[2]],
  });
  const patternC = await ok(t, 'builder', 'POST', '/api/v1/patterns', {
    title: 'Flash failures (dup)',
    productId: etcher.id,
  });
  await ok(t, 'builder', 'POST', `/api/v1/patterns/${patternC.id}/merge`, { intoId: patternA.id });
  await ok(t, 'viewer', 'GET', `/api/v1/feedback/${feedbackIds[4]}/suggestions`);

  const improvement = await ok(t, 'builder', 'POST', '/api/v1/improvements', {
    title: 'Retry the last block write',
    productId: etcher.id,
    patternIds: [patternA.id],
    proposal: '## Plan\n- retry **3** times\n- then fail loudly',
    effort: 2.5,
    risk: 'medium',
    confidence: 0.8,
  });
  await ok(t, 'builder', 'PATCH', `/api/v1/improvements/${improvement.id}`, {
    status: 'designing',
    links: [{ url: 'https://github.com/example/etcher/pull/42' }],
  });
  const option = await ok(t, 'builder', 'POST', `/api/v1/improvements/${improvement.id}/options`, {
    title: 'Retry with backoff',
    body: 'Up to 3 times',
  });
  await ok(t, 'builder', 'POST', `/api/v1/improvements/${improvement.id}/options`, {
    title: 'Smaller blocks',
  });
  await ok(t, 'builder', 'POST', `/api/v1/improvements/${improvement.id}/options/${option.id}/votes`, {});
  await ok(t, 'admin', 'POST', `/api/v1/improvements/${improvement.id}/options/${option.id}/votes`, {});
  await ok(t, 'builder', 'POST', `/api/v1/improvements/${improvement.id}/decision`, {
    optionId: option.id,
    rationale: 'Most failures are a flaky last write',
    prediction: { patternId: patternA.id, expectedChangePct: -62.5, withinDays: 28 },
  });

  const receiver = await startReceiver();
  let webhookSecret: string;
  try {
    const hook = await ok(t, 'admin', 'POST', '/api/v1/webhooks/outbound', {
      url: receiver.url,
      events: ['deploy.create'],
    });
    webhookSecret = hook.secret;
    await ok(t, 'builder', 'POST', '/api/v1/deploys', {
      productId: etcher.id,
      version: '2.0.0',
      notes: 'Retries the last write',
      improvementIds: [improvement.id],
    });
    await t.deps.loop.deliverDue(t.clock.now());
  } finally {
    await receiver.close();
  }
  t.clock.advance(2 * DAY);
  await t.deps.loop.measureAll(t.clock.now());

  const inbound = await ok(t, 'admin', 'POST', '/api/v1/inbound-sources', {
    name: 'Zendesk',
    mapping: { text: 'ticket.description', externalId: 'ticket.id' },
    productId: etcher.id,
  });
  await ok(t, 'builder', 'POST', `/api/v1/patterns/${patternA.id}/comments`, {
    body: 'Seen again today, @admin — see [the log](https://example.test/log)',
  });
  await ok(t, 'admin', 'POST', `/api/v1/feedback/${feedbackIds[0]}/comments`, { body: 'Triaged' });

  const privateOfBuilder = await ok(t, 'builder', 'POST', '/api/v1/reflections', {
    body: 'Private: I was wrong about the cause',
    step: 'reflect',
    principles: ['self-reflection'],
    links: [{ type: 'pattern', id: patternA.id }],
  });
  const teamOfBuilder = await ok(t, 'builder', 'POST', '/api/v1/reflections', {
    body: 'For the team: retries helped',
    step: 'repeat',
    visibility: 'team',
  });
  const privateOfAdmin = await ok(t, 'admin', 'POST', '/api/v1/reflections', {
    body: 'Admin’s own private note',
    step: 'brainstorm',
  });
  await ok(t, 'builder', 'POST', '/api/v1/kudos', {
    toUserId: t.users.viewer.id,
    principle: 'ownership',
    body: 'Chased the flaky write to the end',
    link: { type: 'improvement', id: improvement.id },
  });
  const principles = (await ok(t, 'viewer', 'GET', '/api/v1/principles')).items;
  await ok(t, 'admin', 'PUT', '/api/v1/principles', {
    principles: [
      ...principles.map((p: { id: string; slug: string; name: string; description: string }) => ({
        id: p.id,
        slug: p.slug,
        name: p.name,
        description: p.description,
      })),
      { slug: 'customer-obsession', name: 'Customer obsession', description: 'Start from the customer' },
    ],
  });
  await ok(t, 'admin', 'PUT', '/api/v1/levels', {
    levels: [
      { name: 'Contributor', rank: 1, criteria: [] },
      {
        name: 'Builder',
        rank: 2,
        description: 'Ships',
        criteria: [{ metric: 'improvements_shipped', min: 1 }],
      },
    ],
  });
  await ok(t, null, 'POST', '/api/v1/auth/login', {
    email: t.users.builder.email,
    password: 'correct horse battery',
  });
  await t.call(null, 'POST', '/api/v1/auth/login', {
    email: t.users.builder.email,
    password: 'wrong password!',
  });
  const disabled = await ok(t, 'admin', 'POST', '/api/v1/users', {
    email: 'gone@example.test',
    name: 'Gone',
    role: 'viewer',
    password: 'a long password',
  });
  await ok(t, 'admin', 'PATCH', `/api/v1/users/${disabled.id}`, { disabled: true });
  await t.deps.reflect.settled();
  return {
    privateReflectionOfBuilder: privateOfBuilder.id,
    teamReflectionOfBuilder: teamOfBuilder.id,
    privateReflectionOfAdmin: privateOfAdmin.id,
    webhookSecret,
    inboundSecret: inbound.secret,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: rows are written to whatever tables the live schema has
type AnyDb = Kysely<any>;

function syntheticValue(table: TableInfo, column: TableInfo['columns'][number], i: number): unknown {
  if (!column.notNull && i === 2) return null;
  if (column.name.endsWith('_json')) return '{}';
  if (column.name.endsWith('_at') || column.kind === 'timestamp') return `2026-0${i + 1}-15T08:30:00.000Z`;
  switch (column.kind) {
    case 'integer':
      return 1000 + i;
    case 'real':
      return i + 0.25;
    case 'boolean':
      return i % 2;
    case 'blob':
      return Buffer.from(`synthetic ${i}`);
    case 'json':
      return '{"synthetic":true}';
    default:
      return `synthetic ${table.name}.${column.name} #${i} ✓`;
  }
}

/**
 * Gives every empty table of `tables` three rows built from its schema: references point at rows
 * of the tables they name (filled first, in dependency order), the rest are values of the column's
 * kind, unique per row, with nulls where a column allows them. Returns the tables it filled.
 */
export async function fillEmptyTables(db: AnyDb, dialect: DialectName, which: (table: string) => boolean) {
  const schema = await readSchema(db, dialect);
  const filled: string[] = [];
  for (const table of dependencyOrder([...schema.values()].filter((t) => !t.internal && which(t.name)))) {
    const count = await sql<{ n: unknown }>`select count(*) as n from ${sql.table(table.name)}`.execute(db);
    if (Number(count.rows[0]?.n) > 0) continue;
    for (let i = 0; i < 3; i++) {
      const row: Record<string, unknown> = {};
      for (const column of table.columns.filter((c) => !c.generated)) {
        const fk = table.foreignKeys.find((f) => f.columns.includes(column.name));
        if (fk && fk.refTable !== table.name) {
          const ref = fk.refColumns[fk.columns.indexOf(column.name)];
          const target = await sql<
            Record<string, unknown>
          >`select ${sql.ref(ref)} as v from ${sql.table(fk.refTable)}
            order by ${sql.ref(ref)} limit 1 offset ${i}`.execute(db);
          row[column.name] = target.rows[0]?.v ?? null;
        } else if (fk) row[column.name] = null;
        else row[column.name] = syntheticValue(table, column, i);
      }
      const names = Object.keys(row);
      await sql`insert into ${sql.table(table.name)} (${sql.join(names.map((n) => sql.ref(n)))})
        values (${sql.join(names.map((n) => row[n]))})`.execute(db);
    }
    filled.push(table.name);
  }
  return filled;
}

/** Every table an export writes, for `fillEmptyTables`. */
export const isExported = (table: string) => policyOf(table)?.export !== false;
