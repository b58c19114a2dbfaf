/**
 * Realtime load generator, run as its own process. Opens `clients` receivers (and `senders`
 * that post), sends 200-byte messages at `rate` msg/s in total for `durationS` seconds, and
 * prints `RESULT <json>` with delivery and latency. Socket.IO targets are spoken to in the
 * raw Engine.IO v4 / Socket.IO v5 wire format over `ws`, so the generator stays light.
 */
import WebSocket from 'ws';

/** What one load run does. */
export interface LoadConfig {
  kind: 'sio' | 'ws';
  /** Servers to spread clients over (several for multi-node). */
  urls: string[];
  clients: number;
  senders: number;
  rate: number;
  durationS: number;
  /** Longest wait for late deliveries after sending stops, seconds. */
  drainS: number;
  channel: string;
  viewerToken?: string;
  senderTokens?: string[];
}

/** Size of one chat message's text, bytes. */
const MESSAGE_BYTES = 200;
/** Latency histogram: 1 ms buckets up to 60 s. */
const MAX_MS = 60_000;
const histogram = new Uint32Array(MAX_MS + 1);
let received = 0;
/** Marks the start of each message's text: `@T<sent at, epoch ms>@<seq>@xxx…`. */
const MARK = Buffer.from('@T');
const AT = 0x40;

/**
 * Counts the messages in one received frame and records their latency, by scanning for the
 * marker instead of parsing JSON: the generator must stay far cheaper than the servers it loads.
 */
function recordFrame(frame: Buffer): void {
  const now = Date.now();
  let at = frame.indexOf(MARK);
  while (at !== -1) {
    let sentAt = 0;
    let i = at + 2;
    for (; i < frame.length && frame[i] !== AT; i++) sentAt = sentAt * 10 + (frame[i]! - 48);
    histogram[Math.min(MAX_MS, Math.max(0, now - sentAt))]! += 1;
    received++;
    at = frame.indexOf(MARK, i);
  }
}

function percentile(p: number): number {
  const target = Math.ceil(received * p);
  let seen = 0;
  for (let ms = 0; ms <= MAX_MS; ms++) {
    seen += histogram[ms]!;
    if (seen >= target) return ms;
  }
  return MAX_MS;
}

/** A Socket.IO client over a bare websocket: connect with auth, events with acks, pong on ping. */
class SioClient {
  readonly #ws: WebSocket;
  readonly #acks = new Map<number, (value: { ok: boolean }) => void>();
  #nextAck = 0;

  constructor(url: string, token: string | undefined, counts: boolean) {
    const target = `${url.replace(/^http/, 'ws')}/realtime/?EIO=4&transport=websocket`;
    this.#ws = new WebSocket(target, { perMessageDeflate: false, skipUTF8Validation: true });
    this.ready = new Promise((resolve, reject) => {
      this.#ws.on('error', reject);
      this.#ws.on('close', () => reject(new Error('closed before connecting')));
      this.#ws.on('message', (raw: Buffer) => {
        const type = raw[0];
        if (type === 0x30) this.#ws.send(`40${JSON.stringify(token ? { token } : {})}`);
        else if (type === 0x32 && raw.length === 1) this.#ws.send('3');
        else if (type === 0x34) {
          const kind = raw[1];
          if (kind === 0x30) resolve();
          else if (kind === 0x34) reject(new Error(`refused: ${raw.toString()}`));
          else if (kind === 0x32) {
            if (counts) recordFrame(raw);
          } else if (kind === 0x33) this.#onAck(raw.toString());
        }
      });
    });
  }

  readonly ready: Promise<void>;

  #onAck(frame: string): void {
    const open = frame.indexOf('[');
    const id = Number(frame.slice(2, open));
    const [value] = JSON.parse(frame.slice(open)) as [{ ok: boolean }];
    this.#acks.get(id)?.(value);
    this.#acks.delete(id);
  }

  emit(event: string, payload: unknown): Promise<{ ok: boolean }> {
    const id = this.#nextAck++;
    return new Promise((resolve) => {
      this.#acks.set(id, resolve);
      this.#ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.#ws.terminate();
  }
}

/** A raw websocket client of the broadcast baseline. */
class WsClient {
  readonly #ws: WebSocket;
  readonly ready: Promise<void>;

  constructor(url: string, counts: boolean) {
    this.#ws = new WebSocket(url.replace(/^http/, 'ws'), {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    this.ready = new Promise((resolve, reject) => {
      this.#ws.on('open', () => resolve());
      this.#ws.on('error', reject);
    });
    if (counts) this.#ws.on('message', (raw: Buffer) => recordFrame(raw));
  }

  emit(_event: string, payload: { channel?: string; text?: string }): Promise<{ ok: boolean }> {
    if (payload.text !== undefined) this.#ws.send(payload.text);
    return Promise.resolve({ ok: true });
  }

  close(): void {
    this.#ws.terminate();
  }
}

type Client = SioClient | WsClient;

async function openClients(
  config: LoadConfig,
  count: number,
  counts: boolean,
  tokens: (i: number) => string | undefined,
): Promise<Client[]> {
  const clients: Client[] = [];
  const BATCH = 250;
  for (let start = 0; start < count; start += BATCH) {
    const batch: Client[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const url = config.urls[i % config.urls.length]!;
      batch.push(config.kind === 'sio' ? new SioClient(url, tokens(i), counts) : new WsClient(url, counts));
    }
    await Promise.all(batch.map((c) => c.ready));
    if (config.kind === 'sio')
      await Promise.all(
        batch.map(async (c) => {
          const res = await c.emit('join', { channel: config.channel });
          if (!res.ok) throw new Error(`join refused: ${JSON.stringify(res)}`);
        }),
      );
    clients.push(...batch);
  }
  return clients;
}

function messageText(seq: number): string {
  const head = `@T${Date.now()}@${seq}@`;
  return head + 'x'.repeat(MESSAGE_BYTES - head.length);
}

async function run(config: LoadConfig): Promise<void> {
  const receivers = await openClients(config, config.clients, true, () => config.viewerToken);
  const senders = await openClients(config, config.senders, false, (i) => config.senderTokens?.[i]);
  process.stdout.write(`READY ${receivers.length} receivers, ${senders.length} senders\n`);
  // Let connection set-up settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  received = 0;
  histogram.fill(0);

  const cpuBefore = process.cpuUsage();
  const wallBefore = Date.now();
  let sent = 0;
  let accepted = 0;
  /** Send-to-acknowledgement times, ms: how long the server took to take a message in. */
  const ackMs: number[] = [];
  let refused = 0;
  const started = Date.now();
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000;
      const due = Math.min(Math.floor(elapsed * config.rate), config.rate * config.durationS);
      while (sent < due) {
        const sender = senders[sent % senders.length]!;
        const emittedAt = Date.now();
        pending.push(
          sender.emit('message.send', { channel: config.channel, text: messageText(sent) }).then((res) => {
            ackMs.push(Date.now() - emittedAt);
            if (res.ok) accepted++;
            else refused++;
          }),
        );
        sent++;
      }
      if (elapsed >= config.durationS) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, config.drainS * 1000))]);
  // Wait for late deliveries: until nothing arrived for a second, or the drain time is over.
  const drainEnd = Date.now() + config.drainS * 1000;
  let last = -1;
  while (Date.now() < drainEnd && received !== last) {
    last = received;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  // A send whose answer is still on its way counts as accepted: only explicit refusals do not.
  const expected = (sent - refused) * receivers.length;
  const result = {
    clients: receivers.length,
    senders: senders.length,
    rate: config.rate,
    sent,
    accepted,
    refused,
    delivered: received,
    expected,
    delivered_pct: expected ? Number(((100 * received) / expected).toFixed(2)) : 0,
    p50_ms: percentile(0.5),
    p99_ms: percentile(0.99),
    ack_p50_ms: ackMs.sort((a, b) => a - b)[Math.floor(ackMs.length * 0.5)] ?? null,
    /** The generator's own CPU while measuring, % of one core: near 100 means it, not the server, limits. */
    load_cpu_pct: Math.round(
      (() => {
        const used = process.cpuUsage(cpuBefore);
        return ((used.user + used.system) / 1000 / (Date.now() - wallBefore)) * 100;
      })(),
    ),
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  for (const client of [...receivers, ...senders]) client.close();
}

const config = JSON.parse(process.env.LOAD_CONFIG ?? '{}') as LoadConfig;
run(config).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`load failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
