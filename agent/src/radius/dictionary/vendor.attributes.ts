/**
 * Vendor-Specific attributes (RFC 2865 §5.26, one-octet type and length): MikroTik RouterOS
 * (enterprise 14988) and Microsoft (311, RFC 2548, which MS-CHAP and MPPE need).
 */
import type { AttributeSpec, AttributeType, VendorSpec } from "./dictionary.ts";

const a = (name: string, code: number, type: AttributeType, extra: Partial<AttributeSpec> = {}): AttributeSpec => ({
  name,
  code,
  type,
  ...extra,
});

export const MIKROTIK: VendorSpec = {
  name: "Mikrotik",
  id: 14988,
  attributes: [
    a("Mikrotik-Recv-Limit", 1, "integer"),
    a("Mikrotik-Xmit-Limit", 2, "integer"),
    a("Mikrotik-Group", 3, "string"),
    a("Mikrotik-Wireless-Forward", 4, "integer"),
    a("Mikrotik-Wireless-Skip-Dot1x", 5, "integer"),
    a("Mikrotik-Wireless-Enc-Algo", 6, "integer", {
      values: { "No-encryption": 0, "40-bit-WEP": 1, "104-bit-WEP": 2, "AES-CCM": 3, TKIP: 4 },
    }),
    a("Mikrotik-Wireless-Enc-Key", 7, "string"),
    a("Mikrotik-Rate-Limit", 8, "string"),
    a("Mikrotik-Realm", 9, "string"),
    a("Mikrotik-Host-IP", 10, "ipaddr"),
    a("Mikrotik-Mark-Id", 11, "string"),
    a("Mikrotik-Advertise-URL", 12, "string"),
    a("Mikrotik-Advertise-Interval", 13, "integer"),
    a("Mikrotik-Recv-Limit-Gigawords", 14, "integer"),
    a("Mikrotik-Xmit-Limit-Gigawords", 15, "integer"),
    a("Mikrotik-Wireless-PSK", 16, "string"),
    a("Mikrotik-Total-Limit", 17, "integer"),
    a("Mikrotik-Total-Limit-Gigawords", 18, "integer"),
    a("Mikrotik-Address-List", 19, "string"),
    a("Mikrotik-Wireless-MPKey", 20, "string"),
    a("Mikrotik-Wireless-Comment", 21, "string"),
    a("Mikrotik-Delegated-IPv6-Pool", 22, "string"),
    a("Mikrotik-DHCP-Option-Set", 23, "string"),
    a("Mikrotik-DHCP-Option-Param-STR1", 24, "string"),
    a("Mikrotik-DHCP-Option-Param-STR2", 25, "string"),
    a("Mikrotik-Wireless-VLANID", 26, "integer"),
    a("Mikrotik-Wireless-VLANIDtype", 27, "integer", { values: { "802.1q": 0, "802.1ad": 1 } }),
    a("Mikrotik-Wireless-Minsignal", 28, "string"),
    a("Mikrotik-Wireless-Maxsignal", 29, "string"),
    a("Mikrotik-Switching-Filter", 30, "string"),
  ],
};

export const MICROSOFT: VendorSpec = {
  name: "Microsoft",
  id: 311,
  attributes: [
    // RFC 2548 §2.1-2.3: the MS-CHAP v1 and v2 exchange.
    a("MS-CHAP-Response", 1, "octets", { length: 50 }),
    a("MS-CHAP-Error", 2, "string"),
    a("MS-CHAP-CPW-1", 3, "octets", { length: 70 }),
    a("MS-CHAP-CPW-2", 4, "octets", { length: 84 }),
    a("MS-CHAP-LM-Enc-PW", 5, "octets"),
    a("MS-CHAP-NT-Enc-PW", 6, "octets"),
    a("MS-MPPE-Encryption-Policy", 7, "integer", {
      values: { "Encryption-Allowed": 1, "Encryption-Required": 2 },
    }),
    a("MS-MPPE-Encryption-Types", 8, "integer", {
      values: { "RC4-40bit-Allowed": 1, "RC4-128bit-Allowed": 2, "RC4-40or128-bit-Allowed": 6 },
    }),
    a("MS-RAS-Vendor", 9, "integer"),
    a("MS-CHAP-Domain", 10, "string"),
    a("MS-CHAP-Challenge", 11, "octets"),
    // RFC 2548 §2.4.1: hidden like User-Password (RFC 2865 §5.2).
    a("MS-CHAP-MPPE-Keys", 12, "octets", { encrypt: "user-password" }),
    a("MS-BAP-Usage", 13, "integer"),
    a("MS-Link-Utilization-Threshold", 14, "integer"),
    a("MS-Link-Drop-Time-Limit", 15, "integer"),
    a("MS-MPPE-Send-Key", 16, "octets", { encrypt: "salted" }),
    a("MS-MPPE-Recv-Key", 17, "octets", { encrypt: "salted" }),
    a("MS-RAS-Version", 18, "string"),
    a("MS-CHAP2-Response", 25, "octets", { length: 50 }),
    a("MS-CHAP2-Success", 26, "octets"),
    a("MS-CHAP2-CPW", 27, "octets", { length: 68 }),
    a("MS-Primary-DNS-Server", 28, "ipaddr"),
    a("MS-Secondary-DNS-Server", 29, "ipaddr"),
    a("MS-Primary-NBNS-Server", 30, "ipaddr"),
    a("MS-Secondary-NBNS-Server", 31, "ipaddr"),
  ],
};
