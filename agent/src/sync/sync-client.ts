import type { Logger } from "@kilusi/shared/logger";
import { type DownMessage, encodeUp, parseDown, type UpMessage } from "@kilusi/shared/sync/messages";
import { DOWN_NAMES, type DownName, type SiteAddress, siteTopicPrefix, type UpName } from "@kilusi/shared/sync/topics";
import mqtt, { type MqttClient } from "mqtt";
import { backoffDelay } from "./backoff.ts";

export type DownHandler = <N extends DownName>(name: N, message: DownMessage<N>) => void;

export interface SyncClientOptions {
  url: string;
  caPem: string | null;
  username: string;
  password: string;
  agentId: string;
  site: SiteAddress;
  keepaliveSeconds: number;
  protocolVersion: 4 | 5;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** The last will: published by the broker when the connection dies without a goodbye. */
  will: { name: UpName; message: UpMessage<UpName> };
  logger: Logger;
  /** After the down/# subscription is granted, on every connection. */
  onConnect: () => void;
  onClose: () => void;
  onMessage: DownHandler;
}

const DOWN = new Set<string>(DOWN_NAMES);

/**
 * The agent's MQTT connection (3.1.1: aedes speaks nothing newer). It drives its own reconnects
 * with jittered exponential backoff, a fresh client each time, so nothing queued by a dead
 * connection is replayed behind the protocol's back (every connect re-syncs from the store).
 * It logs the outage once per change of state, not once per attempt.
 */
export class SyncClient {
  private client: MqttClient | undefined;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private up: boolean | undefined;
  private lastError = "";
  private stopping = false;
  private ready = false;
  private readonly prefix: string;
  /** `<name>:<reason>` → count of down messages refused (oversized, not_json, schema…). */
  readonly rejected = new Map<string, number>();

  constructor(private readonly opts: SyncClientOptions) {
    this.prefix = siteTopicPrefix(opts.site);
  }

  start(): void {
    this.stopping = false;
    this.dial();
  }

  connected(): boolean {
    return this.ready && this.client?.connected === true;
  }

  private dial(): void {
    this.retry = undefined;
    const o = this.opts;
    const client = mqtt.connect(o.url, {
      // The client id is the username (ADR 0007): both brokers let a new connection take over a
      // client id, so a pinned one keeps another tenant's agent from knocking this one off.
      clientId: o.username,
      username: o.username,
      password: o.password,
      protocolVersion: o.protocolVersion,
      clean: true,
      keepalive: o.keepaliveSeconds,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      // Without this mqtt-packet builds, at the first write, a table of 65,536 two-octet
      // Buffers (about 4 MB of heap, and 65,536 more objects for every garbage collection to
      // mark: the agent's largest live structure). Its packets are few and small.
      writeCache: false,
      ...(o.caPem ? { ca: o.caPem } : {}),
      will: {
        topic: `${this.prefix}/up/${o.will.name}`,
        payload: encodeUp(o.will.name, o.will.message),
        qos: 1,
        retain: true,
      },
    });
    this.client = client;
    client.on("connect", () => void this.onConnect(client));
    client.on("error", (error) => {
      this.lastError = error.message;
    });
    client.on("close", () => this.onClose(client));
    client.on("message", (topic, payload) => this.onMessage(topic, payload));
  }

  private async onConnect(client: MqttClient): Promise<void> {
    const filter = `${this.prefix}/down/#`;
    try {
      // mqtt.js rejects when the SUBACK refuses (0x80), so a refusal lands in the catch.
      await client.subscribeAsync(filter, { qos: 1 });
    } catch (error) {
      this.lastError = `subscription to ${filter} refused (broker ACL?): ${(error as Error).message}`;
      this.opts.logger.error({ topic: filter, err: (error as Error).message }, "the broker refused the subscription");
      client.end(true);
      return;
    }
    if (client !== this.client || !client.connected) return;
    // Only a usable connection resets the backoff: a broker that accepts and then refuses the
    // subscription would otherwise be retried every second.
    this.attempt = 0;
    if (this.up !== true) this.opts.logger.info({ url: redact(this.opts.url) }, "connected to the MQTT broker");
    this.up = true;
    this.ready = true;
    this.opts.onConnect();
  }

  private onClose(client: MqttClient): void {
    if (client !== this.client) return;
    const wasReady = this.ready;
    this.ready = false;
    if (wasReady) this.opts.onClose();
    if (this.stopping) return;
    client.removeAllListeners();
    client.on("error", () => {});
    client.end(true);
    this.client = undefined;
    if (this.up !== false) {
      this.opts.logger.warn(
        { url: redact(this.opts.url), err: this.lastError || "connection closed" },
        "MQTT broker unreachable; journaling locally and reconnecting",
      );
    }
    this.up = false;
    const delay = backoffDelay(this.attempt++, this.opts.reconnectMinMs, this.opts.reconnectMaxMs);
    this.opts.logger.debug({ delayMs: Math.round(delay), attempt: this.attempt }, "reconnect scheduled");
    this.retry = setTimeout(() => this.dial(), delay);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const downPrefix = `${this.prefix}/down/`;
    const name = topic.startsWith(downPrefix) ? topic.slice(downPrefix.length) : "";
    if (!DOWN.has(name)) {
      this.reject(topic, name || "(other)", "unknown_topic", "not a down topic of this site");
      return;
    }
    const parsed = parseDown(name as DownName, payload);
    if (!parsed.ok) {
      this.reject(topic, name, parsed.reason, parsed.detail);
      return;
    }
    try {
      this.opts.onMessage(name as DownName, parsed.message);
    } catch (error) {
      this.opts.logger.error({ topic, err: error instanceof Error ? error.stack : String(error) }, "handler failed");
    }
  }

  /** One warn line and one count per refused message; the agent carries on. */
  reject(topic: string, name: string, reason: string, detail: string): void {
    const key = `${name}:${reason}`;
    this.rejected.set(key, (this.rejected.get(key) ?? 0) + 1);
    this.opts.logger.warn({ topic, reason, detail: detail.slice(0, 500) }, "down message rejected");
  }

  /** Publishes at QoS 1 when connected; false (and nothing queued) otherwise. */
  publish<N extends UpName>(name: N, message: UpMessage<N>, opts: { retain?: boolean } = {}): boolean {
    const client = this.client;
    if (!client || !this.connected()) return false;
    let payload: Buffer;
    try {
      payload = encodeUp(name, message);
    } catch (error) {
      this.opts.logger.error(
        { message: name, err: String(error) },
        "refusing to publish a message outside the contract",
      );
      return false;
    }
    client.publish(`${this.prefix}/up/${name}`, payload, { qos: 1, retain: opts.retain ?? false }, (error) => {
      if (error) this.opts.logger.debug({ message: name, err: error.message }, "publish not acknowledged");
    });
    return true;
  }

  /** Publishes `last` (awaiting its PUBACK briefly), then disconnects cleanly; no reconnect after. */
  async stop(last?: { name: UpName; message: UpMessage<UpName>; retain: boolean }): Promise<void> {
    this.stopping = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    if (!client) return;
    if (last && this.connected()) {
      try {
        const payload = encodeUp(last.name, last.message);
        const puback = client.publishAsync(`${this.prefix}/up/${last.name}`, payload, { qos: 1, retain: last.retain });
        await Promise.race([puback, Bun.sleep(2_000)]);
      } catch (error) {
        this.opts.logger.warn({ err: String(error) }, "goodbye not published");
      }
    }
    this.ready = false;
    await Promise.race([client.endAsync(false), Bun.sleep(2_000)]).catch(() => {});
    client.removeAllListeners();
    client.on("error", () => {});
    client.end(true);
    this.client = undefined;
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}
