// Loaded before every test file (bunfig.toml). Tests see UTC unless they choose a zone.
process.env.TZ = "UTC";
process.env.NODE_ENV = "test";
