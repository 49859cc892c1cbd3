/**
 * Graceful shutdown with a live event stream open: the stream is ended at once (its client
 * resumes elsewhere with Last-Event-ID) instead of holding the shutdown for the whole grace period.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GracefulShutdown } from '../../src/lifecycle/graceful-shutdown';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

it('ends text/event-stream responses when the shutdown starts', async () => {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.writeHead(200);
    res.write(': feed\n\n');
  });
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  const shutdown = new GracefulShutdown({ close: async () => undefined } as never, server, 10_000, quiet, exit);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  // The client sees its stream close (an end, or a reset when the connection is closed right after).
  let streaming!: () => void;
  const started = new Promise<void>((resolve) => (streaming = resolve));
  const closed = new Promise<string>((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/feed/stream' }, (res) => {
        let raw = '';
        res.on('data', (c) => ((raw += c), streaming()));
        res.on('close', () => resolve(raw));
      })
      .on('error', () => undefined);
  });
  await started;
  const at = Date.now();
  void shutdown.shutdown('SIGTERM');
  expect(await closed).toBe(': feed\n\n');
  expect(await exited).toBe(0);
  expect(Date.now() - at).toBeLessThan(2_000);
}, 8_000);
