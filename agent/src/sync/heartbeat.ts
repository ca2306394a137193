import type { Logger } from "@kilusi/shared/logger";
import type { DownMessage, UpMessage } from "@kilusi/shared/sync/messages";

export interface HeartbeatOptions {
  intervalMs: number;
  /** Everything but the clock fields, as of now. */
  build: () => Omit<UpMessage<"heartbeat">, "sentAt" | "clockSkewMs" | "rttMs">;
  publish: (message: UpMessage<"heartbeat">) => boolean;
  logger: Logger;
  now?: () => number;
}

/**
 * The periodic heartbeat. The cloud echoes `sentAt` with its own clock; the next heartbeat
 * carries the round trip and the skew measured from that echo (null before the first one).
 */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private skewMs: number | null = null;
  private rttMs: number | null = null;
  private readonly now: () => number;

  constructor(private readonly o: HeartbeatOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.stop();
    this.beat();
    this.timer = setInterval(() => this.beat(), this.o.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A heartbeat now, between the regular ones, when they run (something the cloud should see changed). */
  beatNow(): void {
    if (this.timer) this.beat();
  }

  private beat(): void {
    this.o.publish({ ...this.o.build(), sentAt: this.now(), clockSkewMs: this.skewMs, rttMs: this.rttMs });
  }

  onAck(m: DownMessage<"heartbeat-ack">): void {
    const rtt = this.now() - m.echoSentAt;
    // An echo from the future (our clock stepped back) or from a day ago measures nothing.
    if (rtt < 0 || rtt > 86_400_000) {
      this.o.logger.debug({ echoSentAt: m.echoSentAt, rtt }, "heartbeat ack ignored");
      return;
    }
    this.rttMs = rtt;
    this.skewMs = Math.round(m.cloudAt - (m.echoSentAt + rtt / 2));
  }

  clock(): { skewMs: number | null; rttMs: number | null } {
    return { skewMs: this.skewMs, rttMs: this.rttMs };
  }
}
