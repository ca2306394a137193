/** Where a router's RADIUS secrets are sealed (the tenant's box for this purpose) and the row they are bound to. */
export const NAS_BOX_PURPOSE = "nas/radius-secret";
export const nasSecretAad = (nasId: string, which: "secret" | "previous_secret") => `nas_devices:${nasId}:${which}`;
