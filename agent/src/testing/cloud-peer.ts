import { randomUUID } from "node:crypto";
import { type DownMessage, encodeDown, parseUp, type UpMessage } from "@kilusi/shared/sync/messages";
import { type DownName, downTopic, type SiteAddress, type UpName, upTopic } from "@kilusi/shared/sync/topics";
import mqtt, { type MqttClient } from "mqtt";

export interface Received<N extends UpName = UpName> {
  name: N;
  message: UpMessage<N>;
  retain: boolean;
  at: number;
}

/**
 * Plays the cloud's side of the contract in agent tests, over a real broker: every up message
 * the agent sends is parsed with the contract's own schema (anything else lands in `invalid`),
 * and down messages go out through `encodeDown`, exactly as the control plane sends them.
 */
export class CloudPeer {
  readonly received: Received[] = [];
  readonly invalid: { topic: string; reason: string; detail: string }[] = [];
  private handlers: ((r: Received) => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    readonly site: SiteAddress,
    readonly url: string,
  ) {
    client.on("message", (topic, payload, packet) => {
      const name = topic.split("/").at(-1) as UpName;
      const parsed = parseUp(name, payload);
      if (!parsed.ok) {
        this.invalid.push({ topic, reason: parsed.reason, detail: parsed.detail });
        return;
      }
      const r = { name, message: parsed.message, retain: packet.retain, at: Date.now() } as Received;
      this.received.push(r);
      for (const h of this.handlers) h(r);
    });
  }

  static async connect(url: string, site: SiteAddress): Promise<CloudPeer> {
    const client = await mqtt.connectAsync(url, {
      clientId: `cloud-peer-${randomUUID()}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 200,
    });
    const peer = new CloudPeer(client, site, url);
    await client.subscribeAsync(`${upTopic(site, "hello").replace(/\/hello$/, "")}/#`, { qos: 1 });
    return peer;
  }

  /** Called for every valid up message from now on (the test's cloud logic). */
  on(handler: (r: Received) => void): void {
    this.handlers.push(handler);
  }

  all<N extends UpName>(name: N): UpMessage<N>[] {
    return this.received.filter((r) => r.name === name).map((r) => r.message as UpMessage<N>);
  }

  /** The first message `name` received at or after index `from` that satisfies `match`. */
  async waitFor<N extends UpName>(
    name: N,
    match: (m: UpMessage<N>) => boolean = () => true,
    opts: { from?: number; timeoutMs?: number } = {},
  ): Promise<UpMessage<N>> {
    const until = Date.now() + (opts.timeoutMs ?? 5_000);
    for (;;) {
      const hit = this.received.slice(opts.from ?? 0).find((r) => r.name === name && match(r.message as UpMessage<N>));
      if (hit) return hit.message as UpMessage<N>;
      if (Date.now() > until) throw new Error(`cloud peer: no ${name} within ${opts.timeoutMs ?? 5_000} ms`);
      await Bun.sleep(10);
    }
  }

  mark(): number {
    return this.received.length;
  }

  async send<N extends DownName>(name: N, message: DownMessage<N>): Promise<void> {
    await this.client.publishAsync(downTopic(this.site, name), encodeDown(name, message), { qos: 1 });
  }

  async sendRaw(name: string, payload: Buffer | string): Promise<void> {
    const topic = `${downTopic(this.site, "welcome").replace(/\/welcome$/, "")}/${name}`;
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** What a new subscriber is given as retained on up/<name> (null when nothing is retained). */
  async retained<N extends UpName>(name: N, timeoutMs = 1_000): Promise<UpMessage<N> | null> {
    const client = await mqtt.connectAsync(this.url, {
      clientId: `cloud-peer-${randomUUID()}`,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      const got = new Promise<UpMessage<N> | null>((resolve) => {
        client.on("message", (_topic, payload, packet) => {
          const parsed = parseUp(name, payload);
          if (packet.retain && parsed.ok) resolve(parsed.message);
        });
        setTimeout(() => resolve(null), timeoutMs);
      });
      await client.subscribeAsync(upTopic(this.site, name), { qos: 1 });
      return await got;
    } finally {
      await client.endAsync(true);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
