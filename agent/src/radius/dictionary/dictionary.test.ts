import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { requirePeer } from "../../../../tests/support/peers.ts";
import { type AttributeSpec, createDictionary, DictionaryError, RADIUS_DICTIONARY } from "./dictionary.ts";
import { RFC_ATTRIBUTES } from "./rfc.attributes.ts";
import { MIKROTIK } from "./vendor.attributes.ts";

const needed: Record<string, [vendor: number, code: number]> = {
  "User-Name": [0, 1],
  "User-Password": [0, 2],
  "CHAP-Password": [0, 3],
  "CHAP-Challenge": [0, 60],
  "NAS-IP-Address": [0, 4],
  "NAS-Port": [0, 5],
  "NAS-Identifier": [0, 32],
  "Service-Type": [0, 6],
  "Framed-Protocol": [0, 7],
  "Framed-IP-Address": [0, 8],
  "Framed-Pool": [0, 88],
  Class: [0, 25],
  "Session-Timeout": [0, 27],
  "Idle-Timeout": [0, 28],
  "Acct-Status-Type": [0, 40],
  "Acct-Delay-Time": [0, 41],
  "Acct-Input-Octets": [0, 42],
  "Acct-Output-Octets": [0, 43],
  "Acct-Session-Id": [0, 44],
  "Acct-Session-Time": [0, 46],
  "Acct-Input-Packets": [0, 47],
  "Acct-Output-Packets": [0, 48],
  "Acct-Terminate-Cause": [0, 49],
  "Acct-Input-Gigawords": [0, 52],
  "Acct-Output-Gigawords": [0, 53],
  "Acct-Interim-Interval": [0, 85],
  "Called-Station-Id": [0, 30],
  "Calling-Station-Id": [0, 31],
  "Event-Timestamp": [0, 55],
  "Message-Authenticator": [0, 80],
  "Proxy-State": [0, 33],
  "Error-Cause": [0, 101],
  State: [0, 24],
  "Reply-Message": [0, 18],
  "Vendor-Specific": [0, 26],
  "Mikrotik-Rate-Limit": [14988, 8],
  "Mikrotik-Address-List": [14988, 19],
  "Mikrotik-Group": [14988, 3],
  "Mikrotik-Recv-Limit": [14988, 1],
  "Mikrotik-Xmit-Limit": [14988, 2],
  "Mikrotik-Total-Limit": [14988, 17],
  "Mikrotik-Total-Limit-Gigawords": [14988, 18],
  "MS-CHAP-Challenge": [311, 11],
  "MS-CHAP-Response": [311, 1],
  "MS-CHAP2-Response": [311, 25],
  "MS-CHAP2-Success": [311, 26],
  "MS-CHAP-Error": [311, 2],
  "MS-MPPE-Send-Key": [311, 16],
  "MS-MPPE-Recv-Key": [311, 17],
  "MS-MPPE-Encryption-Policy": [311, 7],
  "MS-MPPE-Encryption-Types": [311, 8],
  "MS-CHAP-MPPE-Keys": [311, 12],
};

describe("the embedded dictionary", () => {
  test("has every attribute the agent's RADIUS server and CoA client use, at its number", () => {
    for (const [name, [vendor, code]] of Object.entries(needed)) {
      expect({ name, at: RADIUS_DICTIONARY.byName(name) && [RADIUS_DICTIONARY.byName(name)?.vendor, code] }).toEqual({
        name,
        at: [vendor, code],
      });
      expect(RADIUS_DICTIONARY.byCode(vendor, code)?.name).toBe(name);
    }
    expect(RADIUS_DICTIONARY.vendor(14988)?.name).toBe("Mikrotik");
    expect(RADIUS_DICTIONARY.vendor(311)?.name).toBe("Microsoft");
  });

  test("names the values of accounting, service, protocol and error-cause attributes", () => {
    const values = (name: string) => Object.fromEntries(RADIUS_DICTIONARY.byName(name)?.valueNames ?? []);
    expect(values("Acct-Status-Type")).toEqual({
      1: "Start",
      2: "Stop",
      3: "Interim-Update",
      7: "Accounting-On",
      8: "Accounting-Off",
      15: "Failed",
    });
    expect(RADIUS_DICTIONARY.byName("Service-Type")?.values).toMatchObject({ "Framed-User": 2, "Authorize-Only": 17 });
    expect(RADIUS_DICTIONARY.byName("Framed-Protocol")?.values?.PPP).toBe(1);
    expect(values("Error-Cause")).toMatchObject({ 201: "Residual-Context-Removed", 503: "Session-Context-Not-Found" });
    expect(RADIUS_DICTIONARY.byName("Acct-Terminate-Cause")?.values?.["Admin-Reset"]).toBe(6);
  });

  test("marks hidden attributes, whose octets the codec leaves to the auth code", () => {
    expect(RADIUS_DICTIONARY.byName("User-Password")?.encrypt).toBe("user-password");
    expect(RADIUS_DICTIONARY.byName("MS-MPPE-Send-Key")?.encrypt).toBe("salted");
    expect(RADIUS_DICTIONARY.byName("MS-MPPE-Recv-Key")?.encrypt).toBe("salted");
  });
});

describe("createDictionary refuses a broken dictionary, naming the entry", () => {
  const vsa: AttributeSpec = { name: "Vendor-Specific", code: 26, type: "vsa" };
  const cases: [string, AttributeSpec[], RegExp][] = [
    ["a name twice", [vsa, { name: "A", code: 1, type: "string" }, { name: "A", code: 2, type: "string" }], /A/],
    ["a code twice", [vsa, { name: "A", code: 1, type: "string" }, { name: "B", code: 1, type: "string" }], /B and A/],
    ["code 0", [vsa, { name: "A", code: 0, type: "string" }], /A \(0\)/],
    ["code 256", [vsa, { name: "A", code: 256, type: "string" }], /A \(256\)/],
    ["values on a string", [vsa, { name: "A", code: 1, type: "string", values: { X: 1 } }], /named values/],
    ["an encrypted integer", [vsa, { name: "A", code: 1, type: "integer", encrypt: "salted" }], /encrypted/],
    ["no Vendor-Specific", [{ name: "A", code: 1, type: "string" }], /Vendor-Specific/],
  ];
  for (const [what, specs, message] of cases) {
    test(what, () => {
      expect(() => createDictionary(specs, [])).toThrow(DictionaryError);
      expect(() => createDictionary(specs, [])).toThrow(message);
    });
  }
  test("a vendor attribute clashing inside its vendor", () => {
    const vendor = { name: "V", id: 9, attributes: [...MIKROTIK.attributes, { name: "V-X", code: 8, type: "string" }] };
    expect(() => createDictionary(RFC_ATTRIBUTES, [vendor as typeof MIKROTIK])).toThrow(/V-X and Mikrotik-Rate-Limit/);
  });
});

// FreeRADIUS's own dictionaries (Debian freeradius-common, pulled in by freeradius-utils) are the
// reference every NAS vendor tests against: ours must agree with them on every entry it has.
const FR = "/usr/share/freeradius";
const FR_FILES = [
  "rfc2865",
  "rfc2866",
  "rfc2869",
  "rfc3162",
  "rfc3576",
  "rfc3580",
  "rfc4603",
  "rfc4818",
  "rfc5176",
  "rfc6911",
  "mikrotik",
  "microsoft",
];

interface FrAttr {
  name: string;
  type: string;
  flags: string;
}

function loadFreeRadius() {
  const attrs = new Map<string, FrAttr[]>();
  const values = new Map<string, Map<string, number>>();
  for (const file of FR_FILES) {
    let vendor = 0;
    const vendors = new Map<string, number>();
    for (const line of readFileSync(join(FR, `dictionary.${file}`), "utf8").split("\n")) {
      const f = line.replace(/#.*/, "").trim().split(/\s+/);
      if (f[0] === "VENDOR") vendors.set(f[1] as string, Number(f[2]));
      else if (f[0] === "BEGIN-VENDOR") vendor = vendors.get(f[1] as string) ?? -1;
      else if (f[0] === "END-VENDOR") vendor = 0;
      else if (f[0] === "ATTRIBUTE") {
        const key = `${vendor}:${f[2]}`;
        attrs.set(key, [...(attrs.get(key) ?? []), { name: f[1] as string, type: f[3] as string, flags: f[4] ?? "" }]);
      } else if (f[0] === "VALUE") {
        const map = values.get(f[1] as string) ?? new Map<string, number>();
        map.set(f[2] as string, Number(f[3]));
        values.set(f[1] as string, map);
      }
    }
  }
  return { attrs, values };
}

if (
  requirePeer("FreeRADIUS dictionaries", existsSync(join(FR, "dictionary.rfc2865")), "apt-get install freeradius-utils")
) {
  test("every embedded attribute and named value matches FreeRADIUS's dictionaries", () => {
    const fr = loadFreeRadius();
    const mismatches: string[] = [];
    for (const def of RADIUS_DICTIONARY.all()) {
      const theirs = fr.attrs.get(`${def.vendor}:${def.code}`) ?? [];
      const same = theirs.find((t) => t.name === def.name);
      if (!same) {
        mismatches.push(
          `${def.name} (${def.vendor}:${def.code}) is ${theirs.map((t) => t.name).join("/") || "absent"}`,
        );
        continue;
      }
      const [, base = same.type, size] = /^(\w+)(?:\[(\d+)\])?$/.exec(same.type) ?? [];
      const encrypt = /encrypt=(\d)/.exec(same.flags)?.[1];
      const want = def.encrypt ? "octets" : def.type;
      const theirType = encrypt ? "octets" : base;
      if (theirType !== want) mismatches.push(`${def.name}: ours ${want}, theirs ${same.type}`);
      if (def.encrypt && encrypt !== { "user-password": "1", salted: "2" }[def.encrypt]) {
        mismatches.push(`${def.name}: ours ${def.encrypt}, theirs encrypt=${encrypt}`);
      }
      if (size && !encrypt && def.length !== Number(size)) mismatches.push(`${def.name}: ours ${def.length}, ${size}`);
      for (const [label, n] of Object.entries(def.values ?? {})) {
        if (fr.values.get(def.name)?.get(label) !== n) mismatches.push(`${def.name} ${label} = ${n} not in FreeRADIUS`);
      }
    }
    expect(mismatches).toEqual([]);
    // And the comparison itself reads something: FreeRADIUS has the attributes we look up.
    expect(fr.attrs.get("14988:8")?.[0]?.name).toBe("Mikrotik-Rate-Limit");
    expect(fr.attrs.get("311:25")?.[0]?.name).toBe("MS-CHAP2-Response");
  });
}
