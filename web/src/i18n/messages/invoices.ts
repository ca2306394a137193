import { defineMessages } from "./define.ts";

/** Messages of the invoices pages, and the words invoice lines are written in. */
export const invoicesMessages = defineMessages({
  id: {
    "invoices.title": "Tagihan",
    "invoices.line.installation": "Biaya pemasangan",
    "invoices.line.discount": "Diskon",
    "invoices.line.days": "hari",
    "invoices.line.hours": "jam",
    "invoices.line.planCredit": "{plan}: {days} hari tidak terpakai ({from} – {to})",
    "invoices.line.planCharge": "{plan}: {days} hari ({from} – {to})",
    "invoices.line.prepaid": "{plan} · {validity}",
  },
  en: {
    "invoices.title": "Invoices",
    "invoices.line.installation": "Installation fee",
    "invoices.line.discount": "Discount",
    "invoices.line.days": "days",
    "invoices.line.hours": "hours",
    "invoices.line.planCredit": "{plan}: {days} unused days ({from} – {to})",
    "invoices.line.planCharge": "{plan}: {days} days ({from} – {to})",
    "invoices.line.prepaid": "{plan} · {validity}",
  },
});
