/** Where PPPoE passwords are sealed (the tenant's box for this purpose) and the row they are bound to. */
export const PPPOE_BOX_PURPOSE = "subscriptions/pppoe";
export const pppoePasswordAad = (subscriptionId: string) => `subscriptions:${subscriptionId}:pppoe_password`;
