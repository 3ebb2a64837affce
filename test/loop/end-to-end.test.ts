import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyWebhookSignature } from '../../src/integrations/outbound-webhook.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { databaseTargets } from '../support/databases.ts';
import { DAY, link, note, pattern, postFeedback, startReceiver, startSmtpServer } from './helpers.ts';

interface ImpactItem {
  patternId: string;
  baseline: { patternCount: number; totalCount: number; rate: number };
  after: { patternCount: number; totalCount: number; rate: number };
  statistic: number | null;
  pValue: number | null;
  changePct: number | null;
  verdict: string;
  recurrence: {
    patternCount: number;
    totalCount: number;
    rate: number;
    statistic: number;
    pValue: number;
  } | null;
}

const customers = (prefix: string, n: number, account: string, arr: number) =>
  Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i + 1}@customer.test`, account, arr }));

for (const target of databaseTargets()) {
  describe(`the whole loop, feedback to measured verdict (${target.name})`, () => {
    let t: TestApp;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      t = await startTestApp(target);
      smtp = await startSmtpServer();
      receiver = await startReceiver();
      t.deps.loop.settings.smtpUrl = smtp.url;
    });
    after(async () => {
      t.deps.loop.close();
      await smtp.close();
      await receiver.close();
      await t.close();
    });

    test('feedback falls on one pattern (fixed), holds on one (no-change), rises on one (regressed), then comes back (recurring)', async () => {
      const T0 = t.clock.now().getTime();
      const product = (
        await t.call('builder', 'POST', '/api/v1/products', {
          name: 'Etcher',
          slug: 'etcher',
          problem: 'Flash OS images safely',
        })
      ).json();
      const [a, b, c] = [
        await pattern(t, product.id, 'Flashing fails at 99%'),
        await pattern(t, product.id, 'Slow verification'),
        await pattern(t, product.id, 'Confusing drive picker'),
      ];

      // Baseline: 28 days before the deploy, 80 items: A 20 (5 people, 2 accounts), B 10 (4 people), C 4 (1 person), 46 other.
      const base = { fromMs: T0 - 28 * DAY, days: 28 };
      const acme = customers('acme', 3, 'Acme', 1_200_000_00);
      const globex = customers('globex', 2, 'Globex', 300_000_00);
      await link(
        t,
        a,
        await postFeedback(t, product.id, {
          ...base,
          count: 20,
          contacts: [...acme, ...globex],
          label: 'flash fails',
        }),
      );
      await link(
        t,
        b,
        await postFeedback(t, product.id, {
          ...base,
          count: 10,
          contacts: [...globex, ...customers('initech', 2, 'Initech', 50_000_00)],
          label: 'slow verify',
        }),
      );
      await link(
        t,
        c,
        await postFeedback(t, product.id, {
          ...base,
          count: 4,
          contacts: customers('hooli', 1, 'Hooli', 10_000_00),
          label: 'drive picker',
        }),
      );
      await postFeedback(t, product.id, { ...base, count: 46, label: 'other baseline' });

      // Brainstorm: improvement 1 addresses A; improvement 2 addresses B and C.
      const imp1 = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Retry the last block write',
          productId: product.id,
          patternIds: [a],
          effort: 2,
          risk: 'medium',
          confidence: 0.8,
        })
      ).json();
      const imp2 = (
        await t.call('builder', 'POST', '/api/v1/improvements', {
          title: 'Faster verification, clearer picker',
          productId: product.id,
          patternIds: [b, c],
        })
      ).json();
      const detail = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp1.id}`)).json();
      assert.deepEqual(detail.context.commercial, {
        feedbackCount: 20,
        distinctAccounts: 2,
        requesters: 5,
        arrAtStake: [{ currency: 'USD', amount: 150_000_000 }],
      });
      // reach 5 × impact (1 + log10(1 + 1,500,000/10,000)) × 0.8 × 0.8 ÷ 2
      assert.equal(
        detail.context.score.value,
        Number(((5 * (1 + Math.log10(151)) * 0.8 * 0.8) / 2).toFixed(2)),
      );
      assert.match(detail.context.score.formula, /reach × impact × confidence × riskFactor ÷ effort/);

      const opt = await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/options`, {
        title: 'Retry with backoff',
        body: 'Retry the last block up to 3 times',
      });
      assert.equal(opt.statusCode, 201);
      const optionId = opt.json().id;
      await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/options`, { title: 'Smaller blocks' });
      assert.equal(
        (await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/options/${optionId}/votes`, {}))
          .statusCode,
        201,
      );
      assert.equal(
        (await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/options/${optionId}/votes`, {}))
          .statusCode,
        409,
        'one vote per person',
      );
      assert.equal(
        (await t.call('builder', 'DELETE', `/api/v1/improvements/${imp1.id}/options/${optionId}/votes`))
          .statusCode,
        204,
      );
      assert.equal(
        (
          await t.call('admin', 'POST', `/api/v1/improvements/${imp1.id}/options/${optionId}/votes`, {})
        ).json().votes,
        1,
      );

      const decision = {
        optionId,
        rationale: 'Most failures are a flaky last write',
        prediction: { patternId: a, expectedChangePct: -60, withinDays: 28 },
      };
      const early = await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/decision`, decision);
      assert.equal(early.statusCode, 409, 'still proposed');
      assert.match(early.json().error.message, /Allowed: designing/);
      await t.call('builder', 'PATCH', `/api/v1/improvements/${imp1.id}`, { status: 'designing' });
      const wrong = await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/decision`, {
        ...decision,
        prediction: { ...decision.prediction, patternId: b },
      });
      assert.equal(wrong.statusCode, 400);
      assert.ok(wrong.json().error.fields['prediction.patternId']);
      const decided = await t.call('builder', 'POST', `/api/v1/improvements/${imp1.id}/decision`, decision);
      assert.equal(decided.statusCode, 200);
      assert.equal(decided.json().status, 'building');
      assert.equal((await t.call('viewer', 'GET', `/api/v1/patterns/${a}`)).json().status, 'addressed');

      await t.call('builder', 'PATCH', `/api/v1/improvements/${imp2.id}`, { status: 'designing' });
      const opt2 = (
        await t.call('builder', 'POST', `/api/v1/improvements/${imp2.id}/options`, {
          title: 'Parallel hashing',
        })
      ).json();
      await t.call('builder', 'POST', `/api/v1/improvements/${imp2.id}/decision`, {
        optionId: opt2.id,
        rationale: 'cheap',
        prediction: { patternId: c, expectedChangePct: -50, withinDays: 28 },
      });

      // Subscribe a receiver to deploys and pattern changes, then ship.
      const hook = await t.call('admin', 'POST', '/api/v1/webhooks/outbound', {
        url: receiver.url,
        events: ['deploy.create', 'pattern.update'],
      });
      assert.equal(hook.statusCode, 201);
      const { secret, id: hookId } = hook.json();
      assert.match(secret, /^whsec_/);
      assert.equal(
        (await t.call('admin', 'GET', '/api/v1/webhooks/outbound')).json().items[0].secret,
        undefined,
        'the secret is shown once',
      );

      const deployBody = { productId: product.id, version: '2.0.0', improvementIds: [imp1.id, imp2.id] };
      const deploy = await t.call('builder', 'POST', '/api/v1/deploys', deployBody);
      assert.equal(deploy.statusCode, 201);
      assert.equal((await t.call('builder', 'POST', '/api/v1/deploys', deployBody)).statusCode, 409);

      const first = await t.deps.loop.deliverDue(t.clock.now());
      const again = await t.deps.loop.deliverDue(t.clock.now());
      const recipients = smtp.mails.map((m) => m.to).sort();
      assert.equal(smtp.mails.length, 8, 'acme1-3, globex1-2, initech1-2, hooli1: one each');
      assert.equal(new Set(recipients).size, 8, 'globex people asked about A and B but hear once');
      assert.equal(again.sent, 0);
      assert.match(smtp.mails[0].subject, /You asked, it shipped: Etcher 2\.0\.0/);
      assert.match(smtp.mails[0].text, /Retry the last block write/);
      assert.match(smtp.mails[0].text, /\/api\/v1\/unsubscribe\?token=/);
      note(
        `notifications: ${first.sent} messages sent (8 emails, 1 webhook); emails to ${recipients.join(', ')}; a second pass sent ${again.sent}`,
      );

      const deployHook = receiver.hooks.find((h) => h.headers['x-productos-event'] === 'deploy.create');
      assert.ok(deployHook, 'the deploy reached the receiver');
      const ts = Number(deployHook.headers['x-productos-timestamp']);
      assert.ok(
        verifyWebhookSignature(
          secret,
          ts,
          deployHook.body,
          String(deployHook.headers['x-productos-signature']),
        ),
      );
      assert.ok(
        !verifyWebhookSignature(
          'whsec_wrong',
          ts,
          deployHook.body,
          String(deployHook.headers['x-productos-signature']),
        ),
      );
      assert.equal(JSON.parse(deployHook.body).item.id, deploy.json().id);
      const log = (await t.call('admin', 'GET', `/api/v1/webhooks/outbound/${hookId}/deliveries`)).json();
      assert.ok(log.items.every((d: { status: string }) => d.status === 'sent'));

      const tooEarly = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp1.id}/impact`)).json();
      assert.equal(tooEarly.items[0].verdict, 'too-early');

      // After: 28 days, 80 items: A 2, B 10, C 16, other 52.
      t.clock.advance(28 * DAY);
      const aft = { fromMs: T0, days: 28 };
      await link(t, a, await postFeedback(t, product.id, { ...aft, count: 2, label: 'flash fails again' }));
      await link(t, b, await postFeedback(t, product.id, { ...aft, count: 10, label: 'still slow verify' }));
      await link(t, c, await postFeedback(t, product.id, { ...aft, count: 16, label: 'picker worse' }));
      await postFeedback(t, product.id, { ...aft, count: 52, label: 'other after' });

      const show = (name: string, i: ImpactItem) =>
        note(
          `${name}: baseline ${i.baseline.patternCount}/${i.baseline.totalCount} = ${i.baseline.rate.toFixed(4)}, after ${i.after.patternCount}/${i.after.totalCount} = ${i.after.rate.toFixed(4)}, change ${i.changePct}%, z = ${i.statistic}, p = ${i.pValue} → ${i.verdict}`,
        );
      const impact1 = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp1.id}/impact`)).json();
      const impact2 = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp2.id}/impact`)).json();
      const [ia] = impact1.items as ImpactItem[];
      const ib = (impact2.items as ImpactItem[]).find((i) => i.patternId === b) as ImpactItem;
      const ic = (impact2.items as ImpactItem[]).find((i) => i.patternId === c) as ImpactItem;
      show('A fixed?', ia);
      show('B no-change?', ib);
      show('C regressed?', ic);
      assert.deepEqual(
        [ia.baseline.patternCount, ia.baseline.totalCount, ia.after.patternCount, ia.after.totalCount],
        [20, 80, 2, 80],
      );
      assert.equal(ia.verdict, 'fixed');
      assert.ok(Math.abs((ia.statistic ?? 0) + 4.1322) < 1e-3);
      assert.equal(ib.verdict, 'no-change');
      assert.equal(ic.verdict, 'regressed');
      assert.equal(impact1.status, 'verified', 'all its patterns are fixed');
      assert.equal(impact2.status, 'deployed');
      assert.equal(impact2.verdict, 'regressed');
      assert.equal((await t.call('viewer', 'GET', `/api/v1/patterns/${a}`)).json().status, 'resolved');

      // It comes back: the next 28 days, A is 20 of 80 again.
      t.clock.advance(28 * DAY);
      const back = { fromMs: T0 + 28 * DAY, days: 28 };
      await link(
        t,
        a,
        await postFeedback(t, product.id, { ...back, count: 20, label: 'flash fails yet again' }),
      );
      await postFeedback(t, product.id, { ...back, count: 60, label: 'other later' });
      const impact3 = (await t.call('viewer', 'GET', `/api/v1/improvements/${imp1.id}/impact`)).json();
      const [ra] = impact3.items as ImpactItem[];
      note(
        `A later: ${ra.recurrence?.patternCount}/${ra.recurrence?.totalCount} = ${ra.recurrence?.rate.toFixed(4)} against ${ra.after.rate.toFixed(4)} after the fix, z = ${ra.recurrence?.statistic}, p = ${ra.recurrence?.pValue} → ${ra.verdict}`,
      );
      assert.equal(ra.verdict, 'recurring');
      assert.equal(impact3.verdict, 'recurring');
      assert.equal((await t.call('viewer', 'GET', `/api/v1/patterns/${a}`)).json().status, 'recurring');
      const before = smtp.mails.length;
      await t.deps.loop.deliverDue(t.clock.now());
      const owners = smtp.mails.slice(before);
      assert.deepEqual(
        owners.map((m) => m.to),
        [t.users.builder.email],
        'the builder who proposed and decided hears it',
      );
      assert.match(owners[0].subject, /Pattern is back: Flashing fails at 99%/);
      assert.ok(receiver.hooks.some((h) => JSON.parse(h.body).changes?.status?.after === 'recurring'));

      // Calibration: −60% predicted on A (measured −90%: held), −50% on C (measured +300%: missed).
      const cal = (
        await t.call('viewer', 'GET', `/api/v1/loop/calibration?userId=${t.users.builder.id}`)
      ).json();
      note(`calibration: ${cal.held}/${cal.scored} predictions held, mean error ${cal.meanErrorPct} points`);
      assert.equal(cal.scored, 2);
      assert.equal(cal.held, 1);
      assert.equal(cal.meanErrorPct, (30 + 350) / 2);
      // The builder's level evidence counts the prediction that held, and the verdicts ask for a reflection.
      const builder = (await t.call('viewer', 'GET', `/api/v1/builders/${t.users.builder.id}`)).json();
      const held = builder.evidence.find((e: { metric: string }) => e.metric === 'predictions_held');
      assert.equal(held.value, 1);
      const prompts = (await t.call('builder', 'GET', '/api/v1/reflections/prompts')).json();
      assert.ok(
        prompts.items.some(
          (p: { kind: string; question: string }) =>
            p.kind === 'verdict' && /was measured recurring/.test(p.question),
        ),
        JSON.stringify(prompts).slice(0, 400),
      );

      const from = new Date(T0 - 35 * DAY).toISOString();
      const metrics = (
        await t.call('viewer', 'GET', `/api/v1/loop/metrics?productId=${product.id}&from=${from}`)
      ).json();
      note(
        `metrics: ${metrics.feedback} feedback, linked ${metrics.shareLinked}, ${metrics.deploys} deploy, verified ${metrics.shareVerified}, recurrence ${metrics.recurrenceRate}, cycle ${metrics.medianCycleTimeDays} days, ${metrics.weekly.length} weeks`,
      );
      assert.equal(metrics.feedback, 240);
      assert.equal(metrics.deploys, 1);
      assert.equal(metrics.notificationsSent, 8);
      assert.equal(metrics.shareVerified, 0.5);
      assert.equal(metrics.recurrenceRate, 1);
      assert.equal(
        metrics.weekly.reduce((s: number, w: { feedback: number }) => s + w.feedback, 0),
        240,
      );
    });
  });
}
