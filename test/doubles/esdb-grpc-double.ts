/**
 * A TEST DOUBLE of EventStoreDB's gRPC Streams service — not EventStoreDB.
 *
 * It is a real gRPC server (@grpc/grpc-js) built from the service definition and message
 * classes that @eventstore/db-client itself ships (generated/streams_grpc_pb.js), so the
 * real client library talks to it exactly as it talks to a server. Its purpose is to
 * exercise, in CI where no EventStoreDB can run, the client, our adapter's request
 * building and its error mapping. It keeps everything in memory.
 *
 * What it implements, following EventStoreDB's documented behaviour:
 * - Streams.Append (client streaming: options, then proposed messages) with the expected
 *   revision kinds no_stream / any / stream_exists / exact revision, and the event-id
 *   check EventStoreDB does before writing (IndexWriter.CheckCommit): a batch whose ids are
 *   already in the stream at the expected place is answered as an idempotent success
 *   without writing; a batch that only partly matches is a wrong-expected-version.
 *   The real server's check is best effort (a bounded cache for `any`); the double's is exact.
 *   An idempotent success carries no position (as older servers answer); the adapter
 *   must cope with that.
 *   Appends larger than 1,048,576 bytes (EventStoreDB's default MaxAppendSize) fail with
 *   the server's `maximum-append-size-exceeded` error.
 * - Streams.Read: a stream or $all, forwards/backwards, from start/end/revision/position,
 *   count; stream-not-found; subscriptions to $all (confirmation, history after the
 *   exclusive position, caught-up, then live).
 * - Positions are byte-offset-like: increasing, not contiguous; commit = prepare.
 * - Optional system events ('$statsCollected' in '$stats-double') interleaved with user
 *   events, as a real server writes them, so that the adapter's filtering is exercised.
 *
 * - Faults for resilience tests: dropSubscriptions() ends live $all subscriptions with
 *   UNAVAILABLE; stop() then start() takes the node down and back on the same port, log kept.
 *
 * Not implemented (answer UNIMPLEMENTED): BatchAppend, Delete, Tombstone, stream
 * subscriptions, filtered reads, and the ServerFeatures service (the client then falls back
 * to the classic Append call, as it does against servers older than 21.10).
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';

export interface EsdbGrpcTestDoubleOptions {
  /** Write a system event after every n user appends (0 = never). One is written at start. */
  systemEventEvery?: number;
}

interface StoredEvent {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  position: bigint;
  created: bigint;
}

const MAX_APPEND_SIZE = 1_048_576;
const TICKS_PER_MS = BigInt(10_000);
const EPOCH_TICKS = BigInt('621355968000000000');

type AppendOutcome = { kind: 'written' | 'idempotent'; last: StoredEvent } | { kind: 'wrong_expected_version'; current: number };

export class EsdbGrpcTestDouble {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  private readonly liveCalls = new Set<grpc.ServerWritableStream<ReadReq, ReadResp>>();
  private nextPosition = BigInt(1_024);
  private userAppends = 0;
  /** Append calls received, whatever their outcome (tests use it to see the client's traffic). */
  appendCalls = 0;

  private server?: grpc.Server;

  private constructor(
    readonly port: number,
    private readonly options: Required<EsdbGrpcTestDoubleOptions>,
  ) {}

  /** Starts the test double on 127.0.0.1 at a free port. */
  static async start(options: EsdbGrpcTestDoubleOptions = {}): Promise<EsdbGrpcTestDouble> {
    const server = EsdbGrpcTestDouble.newServer();
    const port = await bind(server, 0);
    const double = new EsdbGrpcTestDouble(port, { systemEventEvery: options.systemEventEvery ?? 0 });
    double.serve(server);
    if (double.options.systemEventEvery > 0) double.writeSystemEvent();
    return double;
  }

  /** Serves again, on the same port and with the same log, after stop() (a node restart). */
  async start(): Promise<void> {
    if (this.server) return;
    const server = EsdbGrpcTestDouble.newServer();
    await bind(server, this.port);
    this.serve(server);
  }

  private static newServer(): grpc.Server {
    return new grpc.Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
  }

  private serve(server: grpc.Server): void {
    server.addService(StreamsService, {
      read: (call: grpc.ServerWritableStream<ReadReq, ReadResp>) => this.read(call),
      append: (call: grpc.ServerReadableStream<AppendReq, AppendResp>, cb: grpc.sendUnaryData<AppendResp>) => this.append(call, cb),
      batchAppend: (call: grpc.ServerDuplexStream<unknown, unknown>) =>
        call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'not in the test double' }),
      delete: (_: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED }),
      tombstone: (_: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED }),
    });
    this.server = server;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** Events in the log, system events included. */
  get logLength(): number {
    return this.log.length;
  }

  /** Subscription calls the server still serves (a client that stopped must have cancelled its call). */
  get liveSubscriptionCount(): number {
    return this.liveCalls.size;
  }

  /** Ends every live $all subscription with UNAVAILABLE, as a node does when it drops a client; the node stays up. */
  dropSubscriptions(): number {
    const calls = [...this.liveCalls];
    this.liveCalls.clear();
    for (const call of calls) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'subscription dropped by the test double' });
    return calls.length;
  }

  /** Overwrites a stored event's data or metadata bytes with text that is not JSON (a damaged log, for the unreadable-row case). */
  damage(position: bigint, part: 'data' | 'metadata'): void {
    const stored = this.log.find((e) => e.position === position);
    if (!stored) throw new Error(`no event at position ${position}`);
    const bytes = new TextEncoder().encode('{not json');
    if (part === 'data') stored.data = bytes;
    else stored.customMetadata = bytes;
  }

  /** Stops serving (connections refused) and keeps the log: start() brings the same node back. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const call of this.liveCalls) call.end();
    this.liveCalls.clear();
    this.listeners.clear();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server.forceShutdown();
  }

  // ---------------------------------------------------------------- Append

  private append(call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void {
    this.appendCalls += 1;
    let options: AppendReq.Options | undefined;
    const proposed: AppendReq.ProposedMessage[] = [];
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) options = req.getOptions();
      else if (req.hasProposedMessage()) proposed.push(req.getProposedMessage()!);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (!options) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'append without options' });
      const size = proposed.reduce((n, m) => n + m.getData_asU8().length + m.getCustomMetadata_asU8().length, 0);
      if (size > MAX_APPEND_SIZE) {
        const metadata = new grpc.Metadata();
        metadata.set('exception', 'maximum-append-size-exceeded');
        metadata.set('maximum-append-size', String(MAX_APPEND_SIZE));
        return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Maximum Append Size of 1048576 Exceeded.', metadata });
      }
      const streamId = Buffer.from(options.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
      const outcome = this.commit(streamId, options, proposed);
      callback(null, toAppendResp(outcome, options));
    });
  }

  /** EventStoreDB's CheckCommit decision, then the write. */
  private commit(streamId: string, options: AppendReq.Options, proposed: AppendReq.ProposedMessage[]): AppendOutcome {
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    const ids = proposed.map((m) => parseUuid(m.getId()));
    const Case = AppendReq.Options.ExpectedStreamRevisionCase;

    let idempotentFrom: number | undefined; // index in the stream where an earlier write of this batch starts
    switch (options.getExpectedStreamRevisionCase()) {
      case Case.ANY:
        idempotentFrom = stream.findIndex((e) => e.id === ids[0]);
        if (idempotentFrom < 0) idempotentFrom = undefined;
        break;
      case Case.STREAM_EXISTS:
        if (current < 0) return { kind: 'wrong_expected_version', current };
        idempotentFrom = stream.findIndex((e) => e.id === ids[0]);
        if (idempotentFrom < 0) idempotentFrom = undefined;
        break;
      case Case.NO_STREAM:
      case Case.REVISION: {
        const expected = options.hasNoStream() ? -1 : Number(options.getRevision());
        if (expected > current) return { kind: 'wrong_expected_version', current };
        if (expected < current) idempotentFrom = expected + 1;
        break;
      }
      default:
        throw new Error('append without expected revision');
    }
    if (idempotentFrom !== undefined) {
      const earlier = stream.slice(idempotentFrom, idempotentFrom + ids.length);
      const matches = earlier.length === ids.length && earlier.every((e, i) => e.id === ids[i]);
      if (!matches) return { kind: 'wrong_expected_version', current };
      return { kind: 'idempotent', last: earlier[earlier.length - 1] };
    }

    const written = proposed.map((m, i) =>
      this.write({
        streamId,
        id: ids[i],
        type: m.getMetadataMap().get('type') ?? '',
        contentType: m.getMetadataMap().get('content-type') ?? 'application/octet-stream',
        data: m.getData_asU8(),
        customMetadata: m.getCustomMetadata_asU8(),
      }),
    );
    this.userAppends += 1;
    if (this.options.systemEventEvery > 0 && this.userAppends % this.options.systemEventEvery === 0) {
      this.writeSystemEvent();
    }
    this.notify();
    return { kind: 'written', last: written[written.length - 1] };
  }

  private write(event: Omit<StoredEvent, 'revision' | 'position' | 'created'>): StoredEvent {
    const stream = this.streams.get(event.streamId) ?? [];
    this.streams.set(event.streamId, stream);
    const stored: StoredEvent = {
      ...event,
      revision: stream.length,
      position: this.nextPosition,
      created: BigInt(Date.now()) * TICKS_PER_MS + EPOCH_TICKS,
    };
    // A log record's size moves the next position on, as in the transaction file.
    this.nextPosition += BigInt(128 + event.data.length + event.customMetadata.length);
    stream.push(stored);
    this.log.push(stored);
    return stored;
  }

  private writeSystemEvent(): void {
    this.write({
      streamId: '$stats-double',
      id: randomUUID(),
      type: '$statsCollected',
      contentType: 'application/json',
      data: Buffer.from(JSON.stringify({ 'proc-mem': 1 })),
      customMetadata: new Uint8Array(),
    });
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  // ---------------------------------------------------------------- Read

  private read(call: grpc.ServerWritableStream<ReadReq, ReadResp>): unknown {
    const options = call.request.getOptions();
    if (!options) return call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read without options' });
    if (options.hasFilter()) {
      return call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'filters are not in the test double' });
    }
    const count = options.hasCount() ? Number(options.getCount()) : Number.POSITIVE_INFINITY;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;

    if (options.hasStream()) {
      if (options.hasSubscription()) {
        return call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'stream subscriptions are not in the test double' });
      }
      const streamOptions = options.getStream()!;
      const identifier = streamOptions.getStreamIdentifier()!;
      const stream = this.streams.get(Buffer.from(identifier.getStreamName_asU8()).toString('utf8'));
      if (!stream) {
        const notFound = new ReadResp.StreamNotFound();
        notFound.setStreamIdentifier(identifier);
        call.write(new ReadResp().setStreamNotFound(notFound));
        return call.end();
      }
      const from = streamOptions.hasStart() ? 0 : streamOptions.hasEnd() ? stream.length - 1 : Number(streamOptions.getRevision());
      const selected = backwards
        ? stream.slice(0, Math.min(from, stream.length - 1) + 1).reverse()
        : streamOptions.hasEnd()
          ? []
          : stream.slice(from);
      for (const event of selected.slice(0, count)) call.write(toReadResp(event));
      return call.end();
    }

    const all = options.getAll()!;
    if (options.hasSubscription()) {
      this.subscribe(call, all);
      return;
    }
    const at = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : undefined;
    // Forwards from a position includes it; backwards from a position reads what is before it.
    const selected = backwards
      ? this.log.filter((e) => (all.hasStart() ? false : at === undefined || e.position < at)).reverse()
      : this.log.filter((e) => (all.hasEnd() ? false : at === undefined || e.position >= at));
    for (const event of selected.slice(0, count)) call.write(toReadResp(event));
    call.end();
  }

  private subscribe(call: grpc.ServerWritableStream<ReadReq, ReadResp>, all: ReadReq.Options.AllOptions): void {
    const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    call.write(new ReadResp().setConfirmation(confirmation));
    // Exclusive start, as EventStoreDB's subscriptions.
    let after = all.hasStart()
      ? BigInt(-1)
      : all.hasEnd()
        ? (this.log[this.log.length - 1]?.position ?? BigInt(-1))
        : BigInt(all.getPosition()!.getCommitPosition());
    let index = this.log.findIndex((e) => e.position > after);
    if (index < 0) index = this.log.length;
    const pump = () => {
      for (; index < this.log.length; index++) {
        after = this.log[index].position;
        call.write(toReadResp(this.log[index]));
      }
    };
    pump();
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    this.listeners.add(pump);
    this.liveCalls.add(call);
    const end = () => {
      this.listeners.delete(pump);
      this.liveCalls.delete(call);
    };
    call.on('cancelled', end);
    call.on('close', end);
    call.on('error', end);
  }
}

function bind(server: grpc.Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
}

function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) throw new Error('proposed message without id');
  if (uuid.hasString()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const view = new DataView(new ArrayBuffer(16));
  view.setBigInt64(0, BigInt(structured.getMostSignificantBits()));
  view.setBigInt64(8, BigInt(structured.getLeastSignificantBits()));
  const hex = Buffer.from(view.buffer).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toAppendResp(outcome: AppendOutcome, options: AppendReq.Options): AppendResp {
  const resp = new AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wev = new AppendResp.WrongExpectedVersion();
    if (outcome.current >= 0) wev.setCurrentRevision(String(outcome.current));
    else wev.setCurrentNoStream(new Empty());
    if (options.hasRevision()) wev.setExpectedRevision(options.getRevision());
    else if (options.hasNoStream()) wev.setExpectedNoStream(new Empty());
    else if (options.hasStreamExists()) wev.setExpectedStreamExists(new Empty());
    else wev.setExpectedAny(new Empty());
    return resp.setWrongExpectedVersion(wev);
  }
  const success = new AppendResp.Success().setCurrentRevision(String(outcome.last.revision));
  if (outcome.kind === 'idempotent') {
    success.setNoPosition(new Empty());
  } else {
    const position = new AppendResp.Position()
      .setCommitPosition(outcome.last.position.toString())
      .setPreparePosition(outcome.last.position.toString());
    success.setPosition(position);
  }
  return resp.setSuccess(success);
}

function toReadResp(event: StoredEvent): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(new UUID().setString(event.id))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.streamId, 'utf8')))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.customMetadata);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', event.created.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(readEvent);
}
