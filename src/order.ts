/**
 * The one order helmflux sorts strings in (file names, keys): by Unicode code
 * point, the same on every machine and locale. JavaScript's `<` compares
 * UTF-16 code units, which puts characters beyond U+FFFF (stored as
 * surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF; this corrects that.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) belong after 0xE000-0xFFFF in code point order.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}
