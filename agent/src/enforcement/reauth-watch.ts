import type { EnforcementRecord } from "@kilusi/shared/sync/radius-records";

/** What a disconnect (or an unanswered request) left to confirm: the next login of its subscriber. */
export type PendingReauth = Pick<
  EnforcementRecord,
  "subscriptionId" | "revision" | "reason" | "action" | "requestedAt"
>;

/**
 * After a Disconnect, or a request the NAS never answered, the subscriber's next Access-Accept
 * within `windowMs` proves the network follows the change: that login got the new policy. One
 * watch per subscription (a newer change replaces an older one); held in memory only.
 */
export class ReauthWatch {
  private readonly watches = new Map<string, { pending: PendingReauth; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly windowMs: number,
    private readonly seen: (pending: PendingReauth, nasId: string, at: Date) => void,
  ) {}

  watch(pending: PendingReauth): void {
    this.forget(pending.subscriptionId);
    const timer = setTimeout(() => this.watches.delete(pending.subscriptionId), this.windowMs);
    timer.unref?.();
    this.watches.set(pending.subscriptionId, { pending, timer });
  }

  accepted(subscriptionId: string | null, nasId: string, at: Date): void {
    if (subscriptionId === null) return;
    const watch = this.watches.get(subscriptionId);
    if (!watch || at.getTime() < Date.parse(watch.pending.requestedAt)) return;
    this.forget(subscriptionId);
    this.seen(watch.pending, nasId, at);
  }

  size(): number {
    return this.watches.size;
  }

  close(): void {
    for (const id of [...this.watches.keys()]) this.forget(id);
  }

  private forget(subscriptionId: string): void {
    const watch = this.watches.get(subscriptionId);
    if (!watch) return;
    clearTimeout(watch.timer);
    this.watches.delete(subscriptionId);
  }
}
