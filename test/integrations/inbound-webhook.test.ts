import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  inboundMappingSchema,
  mapInboundPayload,
  signInbound,
  verifyInboundSignature,
} from '../../src/integrations/inbound-webhook.ts';

const secret = 'whsec_test';
const rawBody = Buffer.from('{"data":{"message":{"body":"Export is slow"}}}');
const now = new Date('2024-06-03T10:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));

test('a correctly signed, fresh request verifies', () => {
  const signatureHeader = signInbound(secret, ts, rawBody);
  assert.match(signatureHeader, /^sha256=[0-9a-f]{64}$/);
  assert.deepEqual(verifyInboundSignature({ secret, timestampHeader: ts, signatureHeader, rawBody, now }), {
    ok: true,
  });
});

test('a tampered body or timestamp is a bad signature', () => {
  const signatureHeader = signInbound(secret, ts, rawBody);
  const tampered = Buffer.from(rawBody.toString().replace('slow', 'fast'));
  assert.deepEqual(
    verifyInboundSignature({ secret, timestampHeader: ts, signatureHeader, rawBody: tampered, now }),
    {
      ok: false,
      reason: 'bad_signature',
    },
  );
  const otherTs = String(Number(ts) - 1);
  assert.deepEqual(
    verifyInboundSignature({ secret, timestampHeader: otherTs, signatureHeader, rawBody, now }),
    {
      ok: false,
      reason: 'bad_signature',
    },
  );
  assert.deepEqual(
    verifyInboundSignature({ secret, timestampHeader: ts, signatureHeader: 'sha256=abc', rawBody, now }),
    { ok: false, reason: 'bad_signature' },
  );
});

test('a request signed more than five minutes ago is stale', () => {
  const old = String(Number(ts) - 301);
  const signatureHeader = signInbound(secret, old, rawBody);
  assert.deepEqual(verifyInboundSignature({ secret, timestampHeader: old, signatureHeader, rawBody, now }), {
    ok: false,
    reason: 'stale_timestamp',
  });
  const edge = String(Number(ts) - 300);
  assert.deepEqual(
    verifyInboundSignature({
      secret,
      timestampHeader: edge,
      signatureHeader: signInbound(secret, edge, rawBody),
      rawBody,
      now,
    }),
    { ok: true },
  );
});

test('missing signature and unreadable timestamps are reported distinctly', () => {
  assert.deepEqual(
    verifyInboundSignature({ secret, timestampHeader: ts, signatureHeader: undefined, rawBody, now }),
    {
      ok: false,
      reason: 'missing_signature',
    },
  );
  const signatureHeader = signInbound(secret, ts, rawBody);
  for (const timestampHeader of [undefined, 'yesterday', '1.5']) {
    assert.deepEqual(verifyInboundSignature({ secret, timestampHeader, signatureHeader, rawBody, now }), {
      ok: false,
      reason: 'bad_timestamp',
    });
  }
});

test('a rotated secret can be accepted via two comma-separated signatures', () => {
  const signatureHeader = `${signInbound('old', ts, rawBody)},${signInbound(secret, ts, rawBody)}`;
  assert.deepEqual(verifyInboundSignature({ secret, timestampHeader: ts, signatureHeader, rawBody, now }), {
    ok: true,
  });
});

test('a mapping with dot paths turns a payload into webhook feedback', () => {
  const mapping = inboundMappingSchema.parse({
    text: 'data.message.body',
    externalId: 'items.0.id',
    email: 'data.user.email',
    name: 'data.user.name',
    receivedAt: 'data.sent_at',
    url: 'data.link',
  });
  const payload = {
    data: {
      message: { body: '  The iOS widget never refreshes  ' },
      user: { email: 'Kim@Example.com', name: 'Kim' },
      sent_at: 1_717_409_700,
      link: 'https://support.example.com/t/991',
    },
    items: [{ id: 991 }],
  };
  assert.deepEqual(mapInboundPayload(mapping, payload), {
    ok: true,
    item: {
      text: 'The iOS widget never refreshes',
      product: null,
      receivedAt: '2024-06-03T10:15:00.000Z',
      source: { channel: 'webhook', externalId: '991', url: 'https://support.example.com/t/991' },
      contact: { email: 'kim@example.com', name: 'Kim', account: null },
    },
  });
});

test('mapping errors name the missing or mistyped field', () => {
  assert.deepEqual(mapInboundPayload({ text: 'data.message.body' }, { data: {} }), {
    ok: false,
    error: 'text: path "data.message.body" not found (missing at "data.message")',
  });
  assert.deepEqual(mapInboundPayload({ text: 'a', email: 'b' }, { a: 'hi', b: { nested: true } }), {
    ok: false,
    error: 'email: "b" must be a string, found an object',
  });
  assert.deepEqual(mapInboundPayload({ text: 'a', email: 'missing.path' }, { a: 'hi' }), {
    ok: true,
    item: {
      text: 'hi',
      product: null,
      receivedAt: null,
      source: { channel: 'webhook', externalId: null, url: null },
      contact: null,
    },
  });
});

test('the mapping schema rejects unknown fields, a missing text path and malformed paths', () => {
  assert.equal(inboundMappingSchema.safeParse({ text: 'a.b', colour: 'x' }).success, false);
  assert.equal(inboundMappingSchema.safeParse({ email: 'a.b' }).success, false);
  assert.equal(inboundMappingSchema.safeParse({ text: 'a..b' }).success, false);
  assert.equal(inboundMappingSchema.safeParse({ text: 'a b' }).success, false);
  assert.equal(inboundMappingSchema.safeParse({ text: 'items.0.body' }).success, true);
});
