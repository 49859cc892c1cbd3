/**
 * Headless Chromium driven over the DevTools protocol through a pipe
 * (--remote-debugging-pipe: commands on fd 3, answers on fd 4, each JSON message ended by NUL).
 * No WebSocket, no extra package: only the Debian `chromium` binary.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--remote-debugging-pipe',
];

export function chromiumBinary(): string {
  const found = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p));
  if (!found) throw new Error('chromium not found: apt-get install -y chromium (or set CHROMIUM_BIN)');
  return found;
}

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void };

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(msg: any) => void> = [];
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profileDir: string,
  ) {
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        if (msg.id !== undefined && this.pending.has(msg.id)) {
          const p = this.pending.get(msg.id)!;
          this.pending.delete(msg.id);
          if (msg.error) p.reject(new Error(`${msg.error.message} ${msg.error.data ?? ''}`));
          else p.resolve(msg.result);
        } else for (const l of this.listeners) l(msg);
      }
    });
  }

  static async launch(): Promise<Browser> {
    const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
    const child = spawn(chromiumBinary(), [...CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    const browser = new Browser(child, profileDir);
    await Promise.race([
      browser.send('Browser.getVersion'),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${stderr}`)))),
    ]);
    return browser;
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    const out = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      out.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });
  }

  /** A fresh page (tab) and its session. */
  async newPage(): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    return page;
  }

  waitFor(predicate: (msg: any) => boolean, timeoutMs = 15_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a browser event')), timeoutMs);
      const l = (msg: any) => {
        if (predicate(msg)) {
          clearTimeout(timer);
          this.listeners.splice(this.listeners.indexOf(l), 1);
          resolve(msg);
        }
      };
      this.listeners.push(l);
    });
  }

  async close(): Promise<void> {
    await this.send('Browser.close').catch(() => undefined);
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 5000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    fs.rmSync(this.profileDir, { recursive: true, force: true });
  }
}

export class Page {
  readonly consoleErrors: string[] = [];
  constructor(
    private readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.browser.send(method, params, this.sessionId);
  }

  async goto(url: string): Promise<void> {
    const loaded = this.browser.waitFor((m) => m.sessionId === this.sessionId && m.method === 'Page.loadEventFired');
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** Evaluates an expression in the page and returns its JSON value (promises awaited). */
  async eval<T = unknown>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`page error: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  /** Polls an expression until it is truthy. */
  async until<T = unknown>(expression: string, timeoutMs = 15_000): Promise<T> {
    const start = Date.now();
    for (;;) {
      const v = await this.eval<T>(expression);
      if (v) return v;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for: ${expression}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png', captureBeyondViewport: true });
    fs.writeFileSync(file, Buffer.from(data, 'base64'));
  }
}

/** A browser and one page at the size the auditor page's tests lay out for (1280 × 1400). */
export async function auditorBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await Browser.launch();
  const page = await browser.newPage();
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 1400, deviceScaleFactor: 1, mobile: false });
  return { browser, page };
}
