/** RFC 2548: the Microsoft attributes ride in Vendor-Specific (26) with vendor id 311. */
export const MICROSOFT_VENDOR_ID = 311;

export const MicrosoftAttribute = {
  "MS-CHAP-Response": 1,
  "MS-CHAP-Error": 2,
  "MS-CHAP-Challenge": 11,
  "MS-CHAP-MPPE-Keys": 12,
  "MS-MPPE-Send-Key": 16,
  "MS-MPPE-Recv-Key": 17,
  "MS-CHAP2-Response": 25,
  "MS-CHAP2-Success": 26,
} as const;

export type MicrosoftAttributeName = keyof typeof MicrosoftAttribute;

/**
 * One attribute for the reply, its value already in wire form (keys encrypted with the shared
 * secret and the request's authenticator): the server only wraps it in a Vendor-Specific.
 */
export interface MicrosoftReplyAttribute {
  vendorId: typeof MICROSOFT_VENDOR_ID;
  type: number;
  name: MicrosoftAttributeName;
  value: Buffer;
}

export function microsoftAttribute(name: MicrosoftAttributeName, value: Buffer): MicrosoftReplyAttribute {
  return { vendorId: MICROSOFT_VENDOR_ID, type: MicrosoftAttribute[name], name, value };
}
