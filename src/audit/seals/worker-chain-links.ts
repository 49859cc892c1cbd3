import { Worker } from 'node:worker_threads';
import type { ChainLink, ChainLinkSource } from './chain-links';
import { workerEntry } from '../../kernel/worker-entry';

export interface ChainLinksWorkerData {
  path: string;
  pageSize: number;
}
export interface ChainLinksRequest {
  id: number;
  after: number;
}
export type ChainLinksReply = { id: number; links: ChainLink[] } | { id: number; error: string; code?: string };

/**
 * Links per page from the thread: folding 1,000 links costs this thread well under a
 * millisecond, and fewer round trips keep the pass short.
 */
export const THREAD_PAGE = 1_000;

type Waiting = { resolve: (links: ChainLink[]) => void; reject: (e: Error) => void };

/**
 * How long `close` waits for a page out on the thread: a page of 1,000 links takes tens of
 * milliseconds; past this the thread is most likely stuck, and ending it is the lesser harm.
 */
export const CLOSE_DRAIN_MS = 5_000;

/**
 * Chain links of an SQLite events file, read and hashed on a worker thread (issue 10: ~25 µs
 * an event, ~1.4 s every 30 s on the thread serving HTTP at 2,000 settlements/s). The thread
 * starts at the first page asked and stays for the next passes. Should it fail or die, the
 * page is read by `fallback` on the caller's thread, so a check never stops for want of a
 * thread; the next page tries a new one.
 */
export class WorkerChainLinks implements ChainLinkSource {
  readonly pageSize = THREAD_PAGE;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private fellBack = false;
  private closed = false;
  /** Wakes `close` once no page is out. */
  private readonly drained: Array<() => void> = [];

  constructor(
    private readonly path: string,
    private readonly fallback: ChainLinkSource,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    if (fallback.pageSize !== THREAD_PAGE) throw new Error(`the fallback must read pages of ${THREAD_PAGE} links`);
  }

  async read(afterPosition: number): Promise<ChainLink[]> {
    // After close, a pass still going reads where it is (no new thread for a closing service).
    if (this.closed) return this.fallback.read(afterPosition);
    try {
      const links = await this.ask(afterPosition);
      this.fellBack = false;
      return links;
    } catch (e) {
      // Said once per spell of failures, not for every page.
      if (!this.fellBack) this.log(`chain links read on this thread instead: ${e instanceof Error ? e.message : String(e)}`);
      this.fellBack = true;
      return this.fallback.read(afterPosition);
    }
  }

  /**
   * Ends the thread once the page it is reading is answered (or after CLOSE_DRAIN_MS): a
   * thread terminated inside a SQLite call that then fails aborts the whole process, as the
   * writer thread's close says.
   */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    if (this.waiting.size > 0)
      await new Promise<void>((resolve) => {
        this.drained.push(resolve);
        setTimeout(resolve, CLOSE_DRAIN_MS).unref();
      });
    if (this.worker === worker) this.worker = undefined;
    await worker.terminate();
  }

  private wakeIfDrained(): void {
    if (this.waiting.size === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  private ask(after: number): Promise<ChainLink[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<ChainLink[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Only while a page is out does the thread keep the process alive.
      worker.ref();
      worker.postMessage({ id, after } satisfies ChainLinksRequest);
    });
  }

  private start(): Worker {
    const { file, execArgv } = workerEntry(__filename, 'chain-links.worker');
    const worker = new Worker(file, { workerData: { path: this.path, pageSize: THREAD_PAGE } satisfies ChainLinksWorkerData, execArgv });
    worker.on('message', (reply: ChainLinksReply) => this.answer(reply));
    worker.on('error', (e) => this.failAll(worker, `chain-links thread failed: ${e.message}`));
    worker.on('exit', (code) => this.failAll(worker, `chain-links thread exited with code ${code}`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private answer(reply: ChainLinksReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if ('error' in reply) waiting.reject(Object.assign(new Error(reply.error), reply.code === undefined ? {} : { code: reply.code }));
    else waiting.resolve(reply.links);
    this.wakeIfDrained();
  }

  private failAll(worker: Worker, why: string): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.waiting) {
      this.waiting.delete(id);
      waiting.reject(new Error(why));
    }
    this.wakeIfDrained();
  }
}
