// Loaded before every test file (bunfig.toml).
import { setDefaultTimeout } from "bun:test";

// Tests see UTC unless they choose a zone.
process.env.TZ = "UTC";
process.env.NODE_ENV = "test";
// Integration tests start databases, brokers and processes: 5 s is too tight on 2 shared cores.
setDefaultTimeout(60_000);
