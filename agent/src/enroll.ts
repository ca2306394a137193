import { hostname } from "node:os";
import { PROTOCOL_VERSIONS } from "@kilusi/shared/sync/messages";
import { z } from "zod";
import { type Credentials, writeCredentials } from "./store/credentials.ts";
import { openStoreDatabase } from "./store/database.ts";
import { AGENT_VERSION } from "./version.ts";

/** A failed enrollment: the message is the CLI's line; exit 2 when refused, 1 when it could not be tried. */
export class EnrollError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
    this.name = "EnrollError";
  }
}

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a lowercase UUID");

const answerSchema = z.object({
  tenantId: uuid,
  siteId: uuid,
  siteName: z.string().min(1).max(200),
  agentId: uuid,
  mqtt: z.object({
    url: z.string().refine((v) => {
      try {
        return ["mqtt:", "mqtts:", "ws:", "wss:"].includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, "an mqtt://, mqtts://, ws:// or wss:// URL"),
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(1024),
    caPem: z.string().max(65_536).nullable(),
  }),
  protocols: z.array(z.number().int().min(1)).max(16),
});

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/** The enrollment endpoint, or why the URL is refused. */
export function enrollmentEndpoint(url: string, insecure: boolean): URL {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new EnrollError(`not a URL: ${JSON.stringify(url)}`, 2);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new EnrollError(`the control plane URL must start with https:// (got ${base.protocol}//)`, 2);
  }
  if (base.protocol === "http:" && !LOOPBACK.has(base.hostname) && !insecure) {
    throw new EnrollError(
      `refusing plain http:// to ${base.hostname}: the enrollment token and the MQTT password would cross the network readable by anyone on the path; use https://, or --insecure on a network you trust`,
      2,
    );
  }
  return new URL(`${base.pathname.replace(/\/+$/, "")}/api/v1/agent/enroll`, base);
}

/**
 * Trades a one-time token for this installation's credentials and stores them. Enrolling again
 * replaces them (same agentId); the journal and, at the same site, the desired state stay.
 */
export async function enroll(opts: {
  url: string;
  token: string;
  insecure: boolean;
  dataDir: string;
  timeoutMs?: number;
}): Promise<Credentials & { siteChanged: boolean; warnings: string[] }> {
  const endpoint = enrollmentEndpoint(opts.url, opts.insecure);
  const store = openStoreDatabase(opts.dataDir);
  try {
    const agentId = store.installationId;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token: opts.token, agentId, hostname: hostname(), agentVersion: AGENT_VERSION }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        redirect: "error",
      });
    } catch (error) {
      throw new EnrollError(`enrollment failed: cannot reach ${endpoint.origin}: ${(error as Error).message}`, 1);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const refusal = errorSchema.safeParse(body);
      if (refusal.success) {
        throw new EnrollError(`enrollment refused: ${refusal.data.error.code}: ${refusal.data.error.message}`, 2);
      }
      throw new EnrollError(`enrollment refused: http_${response.status}: ${text.slice(0, 200)}`, 2);
    }
    const answer = answerSchema.safeParse(body);
    if (!answer.success) {
      const issue = answer.error.issues[0];
      throw new EnrollError(
        `enrollment failed: the control plane's answer is not understood (${issue?.path.join(".") || "(root)"}: ${issue?.message})`,
        1,
      );
    }
    const a = answer.data;
    if (a.agentId !== agentId) {
      throw new EnrollError(
        `enrollment failed: the answer names agent ${a.agentId}, this installation is ${agentId}`,
        1,
      );
    }
    const warnings: string[] = [];
    if (!a.protocols.some((p) => (PROTOCOL_VERSIONS as readonly number[]).includes(p))) {
      warnings.push(
        `the control plane speaks protocols ${a.protocols.join(", ")}, this agent ${PROTOCOL_VERSIONS.join(", ")}: upgrade one of them`,
      );
    }
    const credentials: Credentials = { ...a, enrolledAt: new Date().toISOString() };
    const { siteChanged } = writeCredentials(store, credentials);
    return { ...credentials, siteChanged, warnings };
  } finally {
    store.close();
  }
}
