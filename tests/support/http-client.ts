/**
 * A small browser stand-in for route tests: keeps cookies, sends the Origin a browser would
 * (so CSRF protection lets same-site forms through), posts forms, and does not follow redirects
 * so tests can assert them.
 */
export type Fetcher = (request: Request) => Response | Promise<Response>;

export class TestClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly fetcher: Fetcher,
    readonly origin = "http://localhost",
  ) {}

  async request(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!headers.has("accept")) headers.set("accept", "text/html");
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", this.origin);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await this.fetcher(new Request(new URL(path, this.origin), { ...init, headers, redirect: "manual" }));
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  /** Posts an urlencoded form, as a browser submitting a <form> does. */
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: "POST",
      body: new URLSearchParams(form).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    });
  }
}
