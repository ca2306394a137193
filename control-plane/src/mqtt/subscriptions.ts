import { CLOUD_UP_FILTER } from "@kilusi/shared/sync/topics";

/** The shared-subscription group of the control-plane replicas on Mosquitto. */
export const CONTROL_PLANE_SHARE_GROUP = "kilusi-cp";

/**
 * What the control plane subscribes to for every site's up/… traffic.
 *
 * - aedes (embedded): `kilusi/v1/+/+/up/#`. aedes 1.2.0 has no shared subscriptions; a
 *   `$share/…` filter would be a plain filter matching no topic, so nothing would arrive. There
 *   is one control plane per embedded broker anyway.
 * - Mosquitto: `$share/kilusi-cp/kilusi/v1/+/+/up/#`. Mosquitto 2.0.11 accepts shared
 *   subscriptions from MQTT 3.1.1 clients too (checked in dynsec.test.ts: granted, and each
 *   message reaches exactly one member of the group), so N replicas split the agents' traffic
 *   instead of each ingesting all of it.
 */
export function controlPlaneUpSubscription(broker: "embedded" | "mosquitto"): string {
  return broker === "mosquitto" ? `$share/${CONTROL_PLANE_SHARE_GROUP}/${CLOUD_UP_FILTER}` : CLOUD_UP_FILTER;
}
