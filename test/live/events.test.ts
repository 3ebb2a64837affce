import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createDeps, settleDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/http/app.ts';
import { openStore } from '../../src/store/database.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';

interface Frame {
  event: string;
  id: string | null;
  data: Record<string, unknown> | null;
  comment: string | null;
}

/** A live-update stream read frame by frame. */
class Stream {
  readonly frames: Frame[] = [];
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];

  constructor(readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let cut = this.buffer.indexOf('\n\n');
      while (cut !== -1) {
        this.parse(this.buffer.slice(0, cut));
        this.buffer = this.buffer.slice(cut + 2);
        cut = this.buffer.indexOf('\n\n');
      }
      this.wake();
    });
    response.on('end', () => {
      this.ended = true;
      this.wake();
    });
    response.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private parse(block: string) {
    const frame: Frame = { event: 'message', id: null, data: null, comment: null };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) frame.comment = line.slice(1).trim();
      else if (line.startsWith('event: ')) frame.event = line.slice(7);
      else if (line.startsWith('id: ')) frame.id = line.slice(4);
      else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
    }
    this.frames.push(frame);
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for a frame matching `test` (already received or coming); fails after `ms`. */
  async next(test: (f: Frame) => boolean, ms = 10_000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(test);
      if (found) return found;
      if (this.ended) throw new Error('stream ended before the frame came');
      if (Date.now() > deadline)
        throw new Error(`no such frame in ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async waitEnd(ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close() {
    this.response.destroy();
  }
}

function openStream(
  base: string,
  token: string,
  headers: Record<string, string> = {},
  query = '',
): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = get(
      `${base}/api/v1/events${query}`,
      { headers: { authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`status ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve(new Stream(res));
      },
    );
    req.on('error', reject);
  });
}

async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** The new values a change frame carries. */
const patchOf = (f: Frame) => (f.data?.patch ?? {}) as Record<string, unknown>;

const change = (itemType: string, itemId?: string) => (f: Frame) =>
  f.event === 'change' &&
  f.data?.itemType === itemType &&
  (itemId === undefined || f.data?.itemId === itemId);

for (const target of databaseTargets()) {
  describe(`live updates on ${target.name}`, () => {
    let t: TestApp;
    let base: string;
    before(async () => {
      t = await startTestApp(target, { eventsHeartbeatMs: 200 });
      base = await listen(t);
    });
    after(() => t.close());

    test("another user's write arrives with its new values; a new inbox item is marked as such", async () => {
      const stream = await openStream(base, t.users.viewer.token);
      const created = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'Live one' })).json();
      const frame = await stream.next(change('feedback', created.id));
      assert.equal(frame.id, frame.data?.id);
      assert.equal(frame.data?.action, 'create');
      assert.equal(frame.data?.newInboxItem, true);
      assert.equal(patchOf(frame).text, 'Live one');
      const pattern = (await t.call('builder', 'POST', '/api/v1/patterns', { title: 'Live pattern' })).json();
      await t.call('builder', 'POST', `/api/v1/patterns/${pattern.id}/feedback`, {
        feedbackIds: [created.id],
      });
      const linked = await stream.next(
        (f) => change('feedback', created.id)(f) && f.data?.action === 'update',
      );
      assert.equal(patchOf(linked).status, 'linked');
      assert.equal(linked.data?.newInboxItem, false);
      stream.close();
    });

    test('a private reflection of another user never reaches a stream; a shared one does, without its text', async () => {
      const viewer = await openStream(base, t.users.viewer.token);
      const author = await openStream(base, t.users.builder.token);
      const secret = (
        await t.call('builder', 'POST', '/api/v1/reflections', { body: 'my secret doubt', step: 'reflect' })
      ).json();
      const shared = (
        await t.call('builder', 'POST', '/api/v1/reflections', {
          body: 'shared lesson',
          step: 'reflect',
          visibility: 'team',
        })
      ).json();
      await t.call('builder', 'DELETE', `/api/v1/reflections/${secret.id}`);
      const seen = await viewer.next(change('reflection', shared.id));
      assert.equal(JSON.stringify(seen).includes('shared lesson'), false);
      await author.next((f) => change('reflection', secret.id)(f) && f.data?.action === 'delete');
      // Everything the author's stream got, the viewer's got too, except the private entry.
      await viewer.next(change('feedback'), 1).catch(() => undefined);
      assert.equal(viewer.frames.some(change('reflection', secret.id)), false);
      assert.equal(JSON.stringify(viewer.frames).includes('secret doubt'), false);
      viewer.close();
      author.close();
    });

    test('a reconnect with Last-Event-ID replays what it missed; an unknown id asks for a reset', async () => {
      const first = await openStream(base, t.users.viewer.token);
      const a = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'before the drop' })).json();
      const seen = await first.next(change('feedback', a.id));
      first.close();
      const missed = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'while away' })).json();
      const again = await openStream(base, t.users.viewer.token, { 'last-event-id': seen.id as string });
      const replayed = await again.next(change('feedback', missed.id));
      assert.equal(patchOf(replayed).text, 'while away');
      assert.equal(again.frames.some(change('feedback', a.id)), false);
      const live = (await t.call('builder', 'POST', '/api/v1/feedback', { text: 'after return' })).json();
      await again.next(change('feedback', live.id));
      assert.equal(again.frames.filter(change('feedback', missed.id)).length, 1);
      again.close();
      const lost = await openStream(base, t.users.viewer.token, {}, '?lastEventId=not-an-event');
      await lost.next((f) => f.event === 'reset');
      lost.close();
    });

    test('idle streams get heartbeats, and a revoked token ends its stream', async () => {
      const token = (await t.call('viewer', 'POST', '/api/v1/tokens', { name: 'live' })).json();
      const stream = await openStream(base, token.token);
      await stream.next((f) => f.comment?.startsWith('heartbeat') ?? false);
      assert.equal((await t.call('viewer', 'DELETE', `/api/v1/tokens/${token.id}`)).statusCode, 200);
      await stream.next((f) => f.event === 'end');
      await stream.waitEnd();
    });

    test('only signed-in users follow, and the stream is documented', async () => {
      const res = await t.call(null, 'GET', '/api/v1/events');
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error.code, 'unauthenticated');
      const doc = (await t.call(null, 'GET', '/openapi.json')).json();
      assert.match(doc.paths['/api/v1/events'].get.description, /newInboxItem/);
    });

    test('closing the server ends the open streams instead of waiting for them', async () => {
      const other = await startTestApp(target, { eventsHeartbeatMs: 60_000 });
      const url = await listen(other);
      const streams = [
        await openStream(url, other.users.viewer.token),
        await openStream(url, other.users.admin.token),
      ];
      await other.close();
      for (const s of streams) await s.waitEnd();
    });

    if (target.name === 'postgres') {
      test('a write on one server process reaches the streams of another on the same database', async () => {
        const store = openStore(t.url);
        const deps = createDeps({ store });
        const second = await buildApp(deps, { publicUrl: 'http://127.0.0.1:3000', logger: false });
        await second.listen({ port: 0, host: '127.0.0.1' });
        try {
          const url = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
          const stream = await openStream(url, t.users.viewer.token);
          const created = (
            await t.call('builder', 'POST', '/api/v1/feedback', { text: 'from the first process' })
          ).json();
          const frame = await stream.next(change('feedback', created.id));
          assert.equal(frame.data?.newInboxItem, true);
          stream.close();
        } finally {
          await second.close();
          await settleDeps(deps);
          await store.close();
        }
      });
    }
  });
}
