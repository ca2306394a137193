import { renderSVG } from "uqr";

/** Ten A4 sheets per print page: 400 cards, a few MB of QR images, which a browser prints comfortably. */
export const CARDS_PER_PRINT = 400;

/** The hotspot login URL of one voucher: every `{code}` in the template becomes the URL-encoded code. */
export function loginUrlFor(template: string, code: string): string {
  return template.replaceAll("{code}", encodeURIComponent(code));
}

/**
 * The QR code of `text` as a data: URL of an SVG. uqr draws one <rect> and one <path> with
 * `fill` presentation attributes and no `style`, so the image passes `img-src 'self' data:`
 * and no inline style or script reaches the page; as an <img>, base64 cannot break out of
 * the attribute whatever the text was. Two modules of quiet zone: the card around it is white.
 */
export function qrDataUrl(text: string): string {
  const svg = renderSVG(text, { ecc: "M", border: 2, pixelSize: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
