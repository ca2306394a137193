import type { Logger } from "@kilusi/shared/logger";
import { agentTopicFilters, topicWithin } from "@kilusi/shared/sync/topics";
import type { AedesOptions, Client } from "aedes";
import { parseAgentUsername } from "../agents/agent-credentials.ts";
import {
  type AgentAuthority,
  type AgentIdentity,
  CONTROL_PLANE_MQTT_USERNAME,
  secretsEqual,
} from "./agent-authority.ts";

/** Refused attempts since start, for a metric: a rising count is a misconfigured or hostile agent. */
export interface BrokerRefusals {
  connect: number;
  publish: number;
  subscribe: number;
}

type Principal =
  | { kind: "control-plane"; username: string }
  | (AgentIdentity & { kind: "agent"; username: string; up: string; down: string });

// CONNACK return codes of MQTT 3.1.1 (aedes' AuthErrorCode is a const enum we cannot import).
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function connackError(returnCode: number, message: string) {
  return Object.assign(new Error(message), { returnCode });
}

/** The part of a filter from agentTopicFilters that topicWithin takes: the subtree without `/#`. */
function subtree(filter: string): string {
  return filter.replace(/\/#$/, "");
}

/**
 * The embedded broker's authentication and ACL, as aedes handlers. An agent may publish only
 * under its own `…/<tenantId>/<siteId>/up/` and subscribe only within its own `…/down/`; the
 * control plane may do anything. Its last will goes through authorizePublish when aedes
 * publishes it, so a will outside the agent's subtree is dropped there.
 *
 * An agent must connect with its username as client id: aedes (like Mosquitto) lets a new
 * connection take over an existing client id, and without this one tenant's agent could knock
 * another tenant's agent offline by reusing its id.
 */
export function embeddedBrokerAuth(opts: { authority: AgentAuthority; controlPlanePassword: string; logger: Logger }) {
  const principals = new WeakMap<Client, Principal>();
  // Every authenticated client whose connection is open, CONNACK sent or not yet: a kick must
  // also reach one that passed authentication just before its agent was revoked.
  const authenticated = new Set<Client>();
  const admit = (client: Client, principal: Principal) => {
    principals.set(client, principal);
    authenticated.add(client);
    client.conn.once("close", () => authenticated.delete(client));
  };
  const refusals: BrokerRefusals = { connect: 0, publish: 0, subscribe: 0 };
  const log = opts.logger;

  const refuseConnect = (
    client: Client,
    username: string | undefined,
    reason: string,
    returnCode: number,
    done: (error: ReturnType<typeof connackError>, ok: false) => void,
  ) => {
    refusals.connect++;
    log.warn({ username: username ?? null, clientId: client.id, reason }, "mqtt connection refused");
    done(connackError(returnCode, reason), false);
  };

  const handlers: Pick<AedesOptions, "authenticate" | "authorizePublish" | "authorizeSubscribe"> = {
    authenticate(client, username, password, done) {
      if (!username || !password) return refuseConnect(client, username, "anonymous", NOT_AUTHORIZED, done);
      if (username === CONTROL_PLANE_MQTT_USERNAME) {
        if (!secretsEqual(password, opts.controlPlanePassword))
          return refuseConnect(client, username, "bad credentials", BAD_USERNAME_OR_PASSWORD, done);
        admit(client, { kind: "control-plane", username });
        return done(null, true);
      }
      const named = parseAgentUsername(username);
      if (!named) return refuseConnect(client, username, "unknown user", BAD_USERNAME_OR_PASSWORD, done);
      if (client.id !== username)
        return refuseConnect(client, username, "client id must equal the username", IDENTIFIER_REJECTED, done);
      opts.authority.authenticate(username, Buffer.from(password)).then(
        (identity) => {
          // The username names tenant and agent; an authority answering for another one is a bug, not a login.
          if (!identity || identity.tenantId !== named.tenantId || identity.agentId !== named.agentId)
            return refuseConnect(client, username, "bad credentials", BAD_USERNAME_OR_PASSWORD, done);
          const filters = agentTopicFilters(identity);
          admit(client, {
            kind: "agent",
            username,
            ...identity,
            up: subtree(filters.publish),
            down: subtree(filters.subscribe),
          });
          done(null, true);
        },
        (error: unknown) => {
          log.error({ err: error, username }, "agent authentication failed");
          refuseConnect(client, username, "authority unavailable", SERVER_UNAVAILABLE, done);
        },
      );
    },

    authorizePublish(client, packet, done) {
      // client is null only for a persisted will of a client gone with another broker: none here.
      const principal = client ? principals.get(client) : undefined;
      if (principal?.kind === "control-plane" && !packet.topic.startsWith("$SYS/")) return done(null);
      if (principal?.kind === "agent" && topicWithin(packet.topic, principal.up)) return done(null);
      refusals.publish++;
      log.warn({ username: principal?.username ?? null, topic: packet.topic }, "mqtt publish refused");
      // aedes closes the connection on a refused publish (MQTT 3.1.1 has no negative PUBACK).
      done(new Error(`not authorised to publish to ${packet.topic}`));
    },

    authorizeSubscribe(client, subscription, done) {
      const principal = principals.get(client);
      if (principal?.kind === "control-plane") return done(null, subscription);
      if (principal?.kind === "agent" && topicWithin(subscription.topic, principal.down))
        return done(null, subscription);
      refusals.subscribe++;
      log.warn({ username: principal?.username ?? null, topic: subscription.topic }, "mqtt subscription refused");
      // A null subscription is granted as 0x80 (failure) and the connection stays up.
      done(null, null);
    },
  };

  return {
    handlers,
    refusals,
    /** The open connections authenticated as `username`. */
    clientsOf(username: string): Client[] {
      return [...authenticated].filter((client) => !client.closed && principals.get(client)?.username === username);
    },
  };
}
