/**
 * Issue 13 item 7: a service started while its EventStoreDB node is unreachable waits for
 * it with backoff, one clear line per attempt (no stack trace), and serves once the node
 * is up. The service is a child process; the node is the gRPC test double on a fixed port,
 * stopped before the service starts and started a few attempts later.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildService, freePort } from '../crash/support/service';
import { EsdbGrpcTestDouble } from '../doubles/esdb-grpc-double';

jest.setTimeout(180_000);

it('waits for an unreachable node with one log line per attempt, then becomes ready', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-esdb-start-'));
  const double = await EsdbGrpcTestDouble.start();
  await double.stop();
  const port = await freePort();
  const child = spawn(process.execPath, [buildService()], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      LEDGER_DB: path.join(dir, 'read-models.db'),
      EVENTSTORE_CONNECTION_STRING: double.connectionString,
      EVENTSTORE_STARTUP_TIMEOUT_MS: '120000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  try {
    const deadline = Date.now() + 90_000;
    while ((output.match(/EventStoreDB unreachable/g) ?? []).length < 3) {
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`no retry lines: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await double.start();
    let ready = false;
    while (!ready && Date.now() < deadline) {
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(true);
    const lines = output.split('\n').filter((l) => l.includes('EventStoreDB unreachable'));
    expect(lines[0]).toMatch(/EventStoreDB unreachable \(.+\); attempt 1, retrying in 200 ms/);
    expect(output).not.toMatch(/^\s+at /m); // no stack trace
  } finally {
    child.kill('SIGKILL');
    await double.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
