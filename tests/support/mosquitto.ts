import { connect } from "node:net";

/** The machine's Mosquitto (DESIGN §9): TEST_MQTT_URL, else 127.0.0.1:1883. */
export const mosquittoUrl = process.env.TEST_MQTT_URL ?? "mqtt://127.0.0.1:1883";
export const mosquittoHint = "Mosquitto at 127.0.0.1:1883 (apt-get install mosquitto) or set TEST_MQTT_URL";

let reachable: Promise<boolean> | undefined;

/** True when something accepts TCP connections where the broker should be. */
export function mosquittoReachable(): Promise<boolean> {
  reachable ??= new Promise((resolve) => {
    const { hostname, port } = new URL(mosquittoUrl);
    const socket = connect(Number(port || 1883), hostname);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
  return reachable;
}
