/**
 * The ledger as a real child process for the crash suites: built once per source state
 * (TypeScript transpiled file by file, no type check: ts-node takes ~20 s per start on a
 * busy machine, a built copy ~2 s), started on a given SQLite file, killed with SIGKILL.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}

/** Transpiles src/ into a temp copy of the repo layout (config/ and node_modules linked); cached by content. */
export function buildService(): string {
  const files = walk(path.join(ROOT, 'src')).filter((f) => !f.endsWith('.spec.ts'));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(fs.readFileSync(f));
  const out = path.join(os.tmpdir(), `ledger-crash-build-${hash.digest('hex').slice(0, 16)}`);
  const entry = path.join(out, 'src', 'main.js');
  if (fs.existsSync(entry)) return entry;
  pruneStaleBuilds();
  const staging = `${out}.${process.pid}`;
  const { options } = ts.convertCompilerOptionsFromJson(
    JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions,
    ROOT,
  );
  for (const f of files) {
    const target = path.join(staging, path.relative(ROOT, f));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!f.endsWith('.ts')) {
      fs.copyFileSync(f, target);
      continue;
    }
    const js = ts.transpileModule(fs.readFileSync(f, 'utf8'), {
      compilerOptions: { ...options, sourceMap: false },
      fileName: f,
    }).outputText;
    fs.writeFileSync(target.replace(/\.ts$/, '.js'), js);
  }
  fs.symlinkSync(path.join(ROOT, 'config'), path.join(staging, 'config'));
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(staging, 'node_modules'));
  try {
    fs.renameSync(staging, out); // atomic: a concurrent build of the same sources wins or loses whole
  } catch {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return entry;
}

/** Builds of other sources (each change of src/ makes one, ~2 MB) left over a day: no running test still uses them. */
function pruneStaleBuilds(): void {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('ledger-crash-build-'))) {
    const dir = path.join(os.tmpdir(), name);
    try {
      if (fs.statSync(dir).mtimeMs < dayAgo) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already, or another test's: left as it is.
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  url: string;
  process: ChildProcess;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
}

/** Starts the built service on `db` and waits for /health. */
export async function startService(entry: string, env: Record<string, string>): Promise<RunningService> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not answer /health within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A minimal JSON client for one service URL and API key. */
export function client(service: { url: string }, apiKey: string) {
  const call = async (method: string, p: string, body?: unknown, key?: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${service.url}${p}`, {
      method,
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, body: unknown, key?: string) => call('POST', p, body, key),
  };
}
