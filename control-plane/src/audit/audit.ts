import type { Tx } from "../db/database.ts";
import { auditLog } from "./audit.tables.ts";

/** Where a change came from, carried from the HTTP edge into every use-case. */
export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  tenantId: string | null;
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

// Any key that looks like a secret is dropped before it reaches the audit log.
const SECRET_KEY = /password|secret|token|hash|totp|recovery/i;

export function withoutSecrets(value: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) continue;
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)
        ? withoutSecrets(v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Writes the audit row inside the transaction of the change it describes. */
export async function audit(tx: Tx, meta: RequestMeta, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorUserId: entry.actorUserId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: withoutSecrets(entry.before),
    after: withoutSecrets(entry.after),
    ip: meta.ip,
    requestId: meta.requestId,
  });
}
