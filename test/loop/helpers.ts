import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { TestApp } from '../support/app.ts';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  headers: Map<string, unknown>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
export async function startSmtpServer(): Promise<{
  url: string;
  mails: ReceivedMail[];
  close: () => Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const to = Array.isArray(parsed.to)
            ? parsed.to.map((a) => a.text).join(', ')
            : (parsed.to?.text ?? '');
          mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', headers: parsed.headers });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedHook {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local webhook receiver; `respond` decides each answer (status code, or a delay in ms first). */
export async function startReceiver(
  respond: (hook: ReceivedHook) => { status: number; delayMs?: number } = () => ({ status: 204 }),
): Promise<{ url: string; hooks: ReceivedHook[]; close: () => Promise<void> }> {
  const hooks: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      hooks.push(hook);
      const answer = respond(hook);
      const timer = setTimeout(() => res.writeHead(answer.status).end(), answer.delayMs ?? 0);
      res.on('close', () => clearTimeout(timer));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const DAY = 86_400_000;

export interface FeedbackSpec {
  count: number;
  /** Window start (ms) and length (days) the items' receivedAt spread over. */
  fromMs: number;
  days: number;
  contacts?: Array<{ email: string; account: string; arr: number }>;
  label: string;
}

/** Posts feedback of a product in one batch, spread evenly over a window; returns the ids. */
export async function postFeedback(t: TestApp, productId: string, spec: FeedbackSpec): Promise<string[]> {
  const items = Array.from({ length: spec.count }, (_, i) => {
    const contact = spec.contacts?.[i % spec.contacts.length];
    const at = spec.fromMs + Math.floor(((i + 0.5) * spec.days * DAY) / spec.count);
    return {
      text: `${spec.label} #${i + 1}: a distinct report about ${spec.label}`,
      productId,
      receivedAt: new Date(at).toISOString(),
      ...(contact
        ? {
            contact: {
              email: contact.email,
              name: contact.email.split('@')[0],
              account: contact.account,
              arr: contact.arr,
            },
          }
        : {}),
    };
  });
  const res = await t.call('builder', 'POST', '/api/v1/feedback', { items });
  if (res.statusCode >= 300) throw new Error(`feedback batch: ${res.statusCode} ${res.body}`);
  return (res.json() as { items: Array<{ id: string }> }).items.map((i) => i.id);
}

/** Links feedback to a pattern. */
export async function link(t: TestApp, patternId: string, feedbackIds: string[]): Promise<void> {
  const res = await t.call('builder', 'POST', `/api/v1/patterns/${patternId}/feedback`, { feedbackIds });
  if (res.statusCode >= 300) throw new Error(`link: ${res.statusCode} ${res.body}`);
}

/** Creates a pattern of a product. */
export async function pattern(t: TestApp, productId: string, title: string): Promise<string> {
  const res = await t.call('builder', 'POST', '/api/v1/patterns', { title, productId });
  if (res.statusCode !== 201) throw new Error(`pattern: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Prints a line into the test run's output (TAP comment). */
export const note = (line: string) => process.stdout.write(`${line}\n`);

/** A product with one pattern (feedback from two customers) and an improvement decided and building. */
export async function readyToShip(
  t: TestApp,
  slug = 'etcher',
): Promise<{ productId: string; patternId: string; improvementId: string }> {
  const product = (
    await t.call('builder', 'POST', '/api/v1/products', {
      name: `Etcher <${slug}> & co`,
      slug,
      problem: 'Flash OS images safely',
    })
  ).json();
  const patternId = await pattern(t, product.id, 'Flashing fails');
  const contacts = [
    { email: `ana.${slug}@customer.test`, account: 'Acme', arr: 100_00 },
    { email: `bo.${slug}@customer.test`, account: 'Globex', arr: 200_00 },
  ];
  await link(
    t,
    patternId,
    await postFeedback(t, product.id, {
      count: 4,
      fromMs: t.clock.now().getTime() - 10 * DAY,
      days: 10,
      contacts,
      label: `fails ${slug}`,
    }),
  );
  const improvementId = (
    await t.call('builder', 'POST', '/api/v1/improvements', {
      title: 'Retry <writes> & verify',
      productId: product.id,
      patternIds: [patternId],
    })
  ).json().id;
  await t.call('builder', 'PATCH', `/api/v1/improvements/${improvementId}`, { status: 'designing' });
  const optionId = (
    await t.call('builder', 'POST', `/api/v1/improvements/${improvementId}/options`, { title: 'Retry' })
  ).json().id;
  const decided = await t.call('builder', 'POST', `/api/v1/improvements/${improvementId}/decision`, {
    optionId,
    rationale: 'because',
  });
  if (decided.statusCode !== 200) throw new Error(`decision: ${decided.body}`);
  return { productId: product.id, patternId, improvementId };
}
