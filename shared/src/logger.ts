import pino from "pino";

export type Logger = pino.Logger;
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * JSON lines on stdout, no transports (they spawn worker threads and lose lines on exit).
 * Callers add request id, tenant id and site id with `logger.child({...})`.
 */
export function createLogger(opts: { name: string; level: LogLevel; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      name: opts.name,
      level: opts.level,
      base: { name: opts.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Secrets never reach a log line, even when a caller logs a whole object by mistake.
      redact: {
        paths: [
          "password",
          "*.password",
          "secret",
          "*.secret",
          "token",
          "*.token",
          "headers.authorization",
          "headers.cookie",
          "*.headers.authorization",
          "*.headers.cookie",
        ],
        censor: "[redacted]",
      },
    },
    opts.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
