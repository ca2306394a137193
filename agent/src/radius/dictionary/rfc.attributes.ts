/**
 * Standard attributes: RFC 2865 (auth), 2866 (accounting), 2869 (extensions), 3162 (IPv6),
 * 3576/5176 (dynamic authorization), 4603/3580 (extra values), 4818 and 6911 (IPv6 delegation).
 * Codes, types and names follow FreeRADIUS's dictionaries, which dictionary.test.ts compares
 * against when they are installed. RFC 5080 adds rules, not attributes.
 */
import type { AttributeSpec, AttributeType } from "./dictionary.ts";

const a = (name: string, code: number, type: AttributeType, extra: Partial<AttributeSpec> = {}): AttributeSpec => ({
  name,
  code,
  type,
  ...extra,
});

const SERVICE_TYPE = {
  "Login-User": 1,
  "Framed-User": 2,
  "Callback-Login-User": 3,
  "Callback-Framed-User": 4,
  "Outbound-User": 5,
  "Administrative-User": 6,
  "NAS-Prompt-User": 7,
  "Authenticate-Only": 8,
  "Callback-NAS-Prompt": 9,
  "Call-Check": 10,
  "Callback-Administrative": 11,
  "Authorize-Only": 17, // RFC 5176 §3.1: a CoA-Request that only re-authorizes
};

const FRAMED_PROTOCOL = {
  PPP: 1,
  SLIP: 2,
  ARAP: 3,
  "Gandalf-SLML": 4,
  "Xylogics-IPX-SLIP": 5,
  "X.75-Synchronous": 6,
};

const NAS_PORT_TYPE = {
  Async: 0,
  Sync: 1,
  ISDN: 2,
  "ISDN-V120": 3,
  "ISDN-V110": 4,
  Virtual: 5,
  PIAFS: 6,
  "HDLC-Clear-Channel": 7,
  "X.25": 8,
  "X.75": 9,
  "G.3-Fax": 10,
  SDSL: 11,
  "ADSL-CAP": 12,
  "ADSL-DMT": 13,
  IDSL: 14,
  Ethernet: 15,
  xDSL: 16,
  Cable: 17,
  "Wireless-Other": 18,
  "Wireless-802.11": 19,
  // RFC 4603
  PPPoA: 30,
  PPPoEoA: 31,
  PPPoEoE: 32,
  PPPoEoVLAN: 33,
  PPPoEoQinQ: 34,
};

const ACCT_STATUS_TYPE = {
  Start: 1,
  Stop: 2,
  "Interim-Update": 3,
  Alive: 3,
  "Accounting-On": 7,
  "Accounting-Off": 8,
  Failed: 15,
};

const ACCT_TERMINATE_CAUSE = {
  "User-Request": 1,
  "Lost-Carrier": 2,
  "Lost-Service": 3,
  "Idle-Timeout": 4,
  "Session-Timeout": 5,
  "Admin-Reset": 6,
  "Admin-Reboot": 7,
  "Port-Error": 8,
  "NAS-Error": 9,
  "NAS-Request": 10,
  "NAS-Reboot": 11,
  "Port-Unneeded": 12,
  "Port-Preempted": 13,
  "Port-Suspended": 14,
  "Service-Unavailable": 15,
  Callback: 16,
  "User-Error": 17,
  "Host-Request": 18,
  // RFC 3580
  "Supplicant-Restart": 19,
  "Reauthentication-Failure": 20,
  "Port-Reinit": 21,
  "Port-Disabled": 22,
};

/** RFC 5176 §3.5 (3576 plus 407 and 508). */
const ERROR_CAUSE = {
  "Residual-Context-Removed": 201,
  "Invalid-EAP-Packet": 202,
  "Unsupported-Attribute": 401,
  "Missing-Attribute": 402,
  "NAS-Identification-Mismatch": 403,
  "Invalid-Request": 404,
  "Unsupported-Service": 405,
  "Unsupported-Extension": 406,
  "Invalid-Attribute-Value": 407,
  "Administratively-Prohibited": 501,
  "Proxy-Request-Not-Routable": 502,
  "Session-Context-Not-Found": 503,
  "Session-Context-Not-Removable": 504,
  "Proxy-Processing-Error": 505,
  "Resources-Unavailable": 506,
  "Request-Initiated": 507,
  "Multiple-Session-Selection-Unsupported": 508,
};

export const RFC_ATTRIBUTES: readonly AttributeSpec[] = [
  // RFC 2865
  a("User-Name", 1, "string"),
  a("User-Password", 2, "octets", { encrypt: "user-password" }),
  a("CHAP-Password", 3, "octets", { length: 17 }),
  a("NAS-IP-Address", 4, "ipaddr"),
  a("NAS-Port", 5, "integer"),
  a("Service-Type", 6, "integer", { values: SERVICE_TYPE }),
  a("Framed-Protocol", 7, "integer", { values: FRAMED_PROTOCOL }),
  a("Framed-IP-Address", 8, "ipaddr"),
  a("Framed-IP-Netmask", 9, "ipaddr"),
  a("Framed-Routing", 10, "integer", { values: { None: 0, Broadcast: 1, Listen: 2, "Broadcast-Listen": 3 } }),
  a("Filter-Id", 11, "string"),
  a("Framed-MTU", 12, "integer"),
  a("Framed-Compression", 13, "integer", {
    values: { None: 0, "Van-Jacobson-TCP-IP": 1, "IPX-Header-Compression": 2, "Stac-LZS": 3 },
  }),
  a("Login-IP-Host", 14, "ipaddr"),
  a("Login-Service", 15, "integer"),
  a("Login-TCP-Port", 16, "integer"),
  a("Reply-Message", 18, "string"),
  a("Callback-Number", 19, "string"),
  a("Callback-Id", 20, "string"),
  a("Framed-Route", 22, "string"),
  a("State", 24, "octets"),
  a("Class", 25, "octets"),
  a("Vendor-Specific", 26, "vsa"),
  a("Session-Timeout", 27, "integer"),
  a("Idle-Timeout", 28, "integer"),
  a("Termination-Action", 29, "integer", { values: { Default: 0, "RADIUS-Request": 1 } }),
  a("Called-Station-Id", 30, "string"),
  a("Calling-Station-Id", 31, "string"),
  a("NAS-Identifier", 32, "string"),
  a("Proxy-State", 33, "octets"),
  a("CHAP-Challenge", 60, "octets"),
  a("NAS-Port-Type", 61, "integer", { values: NAS_PORT_TYPE }),
  a("Port-Limit", 62, "integer"),
  // RFC 2866
  a("Acct-Status-Type", 40, "integer", { values: ACCT_STATUS_TYPE }),
  a("Acct-Delay-Time", 41, "integer"),
  a("Acct-Input-Octets", 42, "integer"),
  a("Acct-Output-Octets", 43, "integer"),
  a("Acct-Session-Id", 44, "string"),
  a("Acct-Authentic", 45, "integer", { values: { RADIUS: 1, Local: 2, Remote: 3, Diameter: 4 } }),
  a("Acct-Session-Time", 46, "integer"),
  a("Acct-Input-Packets", 47, "integer"),
  a("Acct-Output-Packets", 48, "integer"),
  a("Acct-Terminate-Cause", 49, "integer", { values: ACCT_TERMINATE_CAUSE }),
  a("Acct-Multi-Session-Id", 50, "string"),
  a("Acct-Link-Count", 51, "integer"),
  // RFC 2869
  a("Acct-Input-Gigawords", 52, "integer"),
  a("Acct-Output-Gigawords", 53, "integer"),
  a("Event-Timestamp", 55, "date"),
  a("Password-Retry", 75, "integer"),
  a("Prompt", 76, "integer", { values: { "No-Echo": 0, Echo: 1 } }),
  a("Connect-Info", 77, "string"),
  a("Configuration-Token", 78, "string"),
  a("EAP-Message", 79, "octets"),
  a("Message-Authenticator", 80, "octets", { length: 16 }),
  a("Acct-Interim-Interval", 85, "integer"),
  a("NAS-Port-Id", 87, "string"),
  a("Framed-Pool", 88, "string"),
  // RFC 3162
  a("NAS-IPv6-Address", 95, "ipv6addr"),
  a("Framed-Interface-Id", 96, "ifid"),
  a("Framed-IPv6-Prefix", 97, "ipv6prefix"),
  a("Login-IPv6-Host", 98, "ipv6addr"),
  a("Framed-IPv6-Route", 99, "string"),
  a("Framed-IPv6-Pool", 100, "string"),
  // RFC 3576 / 5176
  a("Error-Cause", 101, "integer", { values: ERROR_CAUSE }),
  // RFC 4818, RFC 6911
  a("Delegated-IPv6-Prefix", 123, "ipv6prefix"),
  a("Framed-IPv6-Address", 168, "ipv6addr"),
  a("DNS-Server-IPv6-Address", 169, "ipv6addr"),
  a("Route-IPv6-Information", 170, "ipv6prefix"),
  a("Delegated-IPv6-Prefix-Pool", 171, "string"),
  a("Stateful-IPv6-Address-Pool", 172, "string"),
];
