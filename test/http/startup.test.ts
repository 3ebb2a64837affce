import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const root = join(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no /healthz 200 in time');
}

describe('starting the real server entry (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'productos-start-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a first start on an empty SQLite file serves /healthz and prints a one-time setup link', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'first.db')}`,
        LOG_LEVEL: 'warn',
        PRODUCTOS_ADMIN_EMAIL: '',
        PRODUCTOS_ADMIN_PASSWORD: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    const ms = await waitForHealth(`http://127.0.0.1:${port}`, child, 120_000);
    const body = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    assert.deepEqual(body, { ok: true, database: 'sqlite' });
    const link = /(http:\/\/127\.0\.0\.1:\d+\/setup\?token=setup_[\w-]+)/.exec(out)?.[1];
    assert.ok(link, `setup link printed; got: ${out}`);
    const token = new URL(link).searchParams.get('token');
    const setup = await fetch(`http://127.0.0.1:${port}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        email: 'first@example.test',
        name: 'First',
        password: 'first admin password',
      }),
    });
    assert.equal(setup.status, 201);
    const reuse = await fetch(`http://127.0.0.1:${port}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        email: 'second@example.test',
        name: 'Second',
        password: 'first admin password',
      }),
    });
    assert.equal(reuse.status, 403);
    process.stdout.write(`# cold start to first /healthz 200: ${ms} ms\n`);
    child.kill('SIGTERM');
  });

  test('with PRODUCTOS_ADMIN_EMAIL and PASSWORD set, that admin can sign in at once', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'admin.db')}`,
        LOG_LEVEL: 'warn',
        PRODUCTOS_ADMIN_EMAIL: 'boss@example.test',
        PRODUCTOS_ADMIN_PASSWORD: 'boss password 123',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await waitForHealth(`http://127.0.0.1:${port}`, child, 120_000);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'boss@example.test', password: 'boss password 123' }),
    });
    assert.equal(login.status, 200);
    assert.equal((await login.json()).user.role, 'admin');
    child.kill('SIGTERM');
  });

  test('a bad configuration value stops the start with a clear message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 2);
    assert.match(err, /PORT must be a whole number/);
  });
});
