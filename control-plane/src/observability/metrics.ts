// Prometheus text exposition, written by hand: the few series we need do not justify a
// client library, and prom-client's event-loop monitor relies on perf_hooks that Bun lacks.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

export interface Gauge {
  name: string;
  help: string;
  value: number;
}

export interface Metrics {
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** Adds to a counter, e.g. `count("sync_messages_rejected_total", "…", { name, reason })`. */
  count(name: string, help: string, labels: Record<string, string>, by?: number): void;
  /** Renders every series; `gauges` are read at scrape time (database pool, broker, …). */
  render(gauges?: Gauge[]): string;
  stop(): void;
}

const escapeLabel = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");

export function createMetrics(opts: { lagSampleMs?: number } = {}): Metrics {
  const requests = new Map<string, Histogram>();
  const counters = new Map<string, { help: string; series: Map<string, number> }>();
  const interval = opts.lagSampleMs ?? 500;
  let lagLast = 0;
  let lagMax = 0;
  let expected = performance.now() + interval;
  // Event-loop lag: how late a timer fires. The max is reset at each scrape.
  const timer = setInterval(() => {
    const now = performance.now();
    lagLast = Math.max(0, now - expected) / 1000;
    lagMax = Math.max(lagMax, lagLast);
    expected = now + interval;
  }, interval);
  timer.unref?.();

  return {
    observeRequest(route, method, status, seconds) {
      const labels = `method="${escapeLabel(method)}",route="${escapeLabel(route)}",status="${status}"`;
      let h = requests.get(labels);
      if (!h) {
        h = { labels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
        requests.set(labels, h);
      }
      for (let i = 0; i < BUCKETS.length; i++)
        if (seconds <= (BUCKETS[i] as number)) h.counts[i] = (h.counts[i] ?? 0) + 1;
      h.sum += seconds;
      h.count++;
    },
    count(name, help, labels, by = 1) {
      let c = counters.get(name);
      if (!c) {
        c = { help, series: new Map() };
        counters.set(name, c);
      }
      const key = Object.entries(labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(",");
      c.series.set(key, (c.series.get(key) ?? 0) + by);
    },
    render(gauges = []) {
      const out: string[] = [];
      for (const [name, c] of counters) {
        out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
        for (const [labels, value] of c.series) out.push(`${name}{${labels}} ${value}`);
      }
      out.push("# HELP http_requests_total HTTP requests answered, by route pattern, method and status.");
      out.push("# TYPE http_requests_total counter");
      for (const h of requests.values()) out.push(`http_requests_total{${h.labels}} ${h.count}`);
      out.push("# HELP http_request_duration_seconds Time to answer an HTTP request.");
      out.push("# TYPE http_request_duration_seconds histogram");
      for (const h of requests.values()) {
        BUCKETS.forEach((b, i) => {
          out.push(`http_request_duration_seconds_bucket{${h.labels},le="${b}"} ${h.counts[i]}`);
        });
        out.push(`http_request_duration_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`);
        out.push(`http_request_duration_seconds_sum{${h.labels}} ${h.sum}`);
        out.push(`http_request_duration_seconds_count{${h.labels}} ${h.count}`);
      }
      const mem = process.memoryUsage();
      const builtin: Gauge[] = [
        { name: "process_resident_memory_bytes", help: "Resident set size.", value: mem.rss },
        { name: "process_heap_used_bytes", help: "JavaScript heap in use.", value: mem.heapUsed },
        { name: "process_heap_total_bytes", help: "JavaScript heap reserved.", value: mem.heapTotal },
        { name: "process_uptime_seconds", help: "Seconds since the process started.", value: process.uptime() },
        { name: "event_loop_lag_seconds", help: "Event-loop lag at the last sample.", value: lagLast },
        { name: "event_loop_lag_max_seconds", help: "Largest event-loop lag since the last scrape.", value: lagMax },
      ];
      lagMax = lagLast;
      for (const g of [...builtin, ...gauges]) {
        out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, `${g.name} ${g.value}`);
      }
      return `${out.join("\n")}\n`;
    },
    stop: () => clearInterval(timer),
  };
}
