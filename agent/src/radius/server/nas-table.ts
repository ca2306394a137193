import type { Logger } from "@kilusi/shared/logger";
import { type NasState, parseStateEntry } from "@kilusi/shared/sync/site-state";
import type { DesiredStateStore } from "../../store/store.ts";
import type { NasSecurity } from "../packet/index.ts";
import { normalizeAddress } from "./source-address.ts";

/** A router allowed to ask: its desired-state entry, keyed by where its datagrams come from. */
export interface KnownNas {
  id: string;
  name: string;
  /** The normalized source address. */
  address: string;
  coaPort: number;
  security: NasSecurity;
}

function toKnown(id: string, state: NasState, address: string): KnownNas {
  const validUntil = state.previousSecretValidUntil ? Date.parse(state.previousSecretValidUntil) : undefined;
  return {
    id,
    name: state.name,
    address,
    coaPort: state.coaPort,
    security: {
      secret: Buffer.from(state.secret, "utf8"),
      ...(state.previousSecret && validUntil !== undefined
        ? { previousSecret: Buffer.from(state.previousSecret, "utf8"), previousSecretValidUntil: validUntil }
        : {}),
      requireMessageAuthenticator: state.requireMessageAuthenticator,
      limitProxyState: state.limitProxyState,
    },
  };
}

/**
 * The `nas` entries of the desired state, in memory: every datagram is looked up here by its
 * source address, so it must not touch the store. Rebuilt whenever a changes batch or a
 * snapshot touches a `nas` entry.
 */
export class NasTable {
  private byAddress = new Map<string, KnownNas>();
  private byId = new Map<string, KnownNas>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: DesiredStateStore,
    private readonly logger: Logger,
  ) {
    this.reload();
    this.unsubscribe = store.onApplied((changes) => {
      if (changes.some((c) => c.kind === "nas")) this.reload();
    });
  }

  /** The NAS whose requests come from `source` (as the socket reports it), or undefined. */
  bySource(source: string): KnownNas | undefined {
    const direct = this.byAddress.get(source);
    if (direct) return direct;
    const normalized = normalizeAddress(source);
    return normalized === null ? undefined : this.byAddress.get(normalized);
  }

  get(id: string): KnownNas | undefined {
    return this.byId.get(id);
  }

  size(): number {
    return this.byId.size;
  }

  /** Entries that do not parse are left out (their router is not answered) and logged. */
  reload(): void {
    const byAddress = new Map<string, KnownNas>();
    const byId = new Map<string, KnownNas>();
    for (const { key, data } of this.store.entriesOf("nas")) {
      const parsed = parseStateEntry("nas", data);
      if (!parsed.ok) {
        this.logger.error({ kind: "nas", key, detail: parsed.detail }, "NAS entry ignored: it does not parse");
        continue;
      }
      const address = normalizeAddress(parsed.value.address);
      if (address === null) {
        this.logger.error({ kind: "nas", key, address: parsed.value.address }, "NAS entry ignored: not an IP address");
        continue;
      }
      const taken = byAddress.get(address);
      if (taken) {
        // entriesOf orders by key, so which one wins does not depend on arrival order.
        this.logger.error({ kind: "nas", key, address, kept: taken.id }, "NAS entry ignored: its address is taken");
        continue;
      }
      const nas = toKnown(key, parsed.value, address);
      byAddress.set(address, nas);
      byId.set(key, nas);
    }
    this.byAddress = byAddress;
    this.byId = byId;
  }

  close(): void {
    this.unsubscribe();
  }
}
