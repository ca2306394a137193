// Loaded before every test file (bunfig.toml).
import { setDefaultTimeout } from "bun:test";

// Tests see UTC unless they choose a zone.
process.env.TZ = "UTC";
process.env.NODE_ENV = "test";
// Integration tests start databases, brokers and processes: 5 s is too tight on 2 shared cores.
// Bun 1.4.5 applies a preload's setDefaultTimeout to the first test file only (hooks of later
// files time out at 5 s), so `npm test` also passes `--timeout 60000`; this covers `bun test`.
setDefaultTimeout(60_000);
