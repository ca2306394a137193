// The client's ceiling for tests/bench/radius.ts: a responder that answers every
// Accounting-Request at once with a valid Accounting-Response (RFC 2866 §3) and does nothing
// else — no validation, no record, no disk. Whatever rate radclient reaches against it is the
// most any server can show with that client on this machine: a ratio to FreeRADIUS above it
// cannot be measured here, however fast the server.
//   bun tests/bench/radius-ceiling.ts <secret>   → prints {"port": …} and answers until killed
import { createHash } from "node:crypto";

const secret = Buffer.from(process.argv[2] ?? "");
if (secret.length === 0) {
  process.stderr.write("usage: bun tests/bench/radius-ceiling.ts <secret>\n");
  process.exit(2);
}
const ACCOUNTING_REQUEST = 4;
const ACCOUNTING_RESPONSE = 5;

const socket = await Bun.udpSocket({
  hostname: "127.0.0.1",
  socket: {
    data(s, request, port, address) {
      if (request.length < 20 || request[0] !== ACCOUNTING_REQUEST) return;
      // Code, Identifier, Length 20, then MD5(Code + Identifier + Length + Request Authenticator + secret).
      const reply = Buffer.allocUnsafe(20);
      reply[0] = ACCOUNTING_RESPONSE;
      reply[1] = request[1] as number;
      reply.writeUInt16BE(20, 2);
      request.copy(reply, 4, 4, 20);
      createHash("md5").update(reply).update(secret).digest().copy(reply, 4);
      s.send(reply, port, address);
    },
  },
});
process.stdout.write(`${JSON.stringify({ port: socket.port })}\n`);
process.on("SIGTERM", () => {
  socket.close();
  process.exit(0);
});
