/**
 * Text lengths as people count them. "Characters" in our limits are Unicode code points: an emoji
 * is one (UTF-16 would count it twice), and a grapheme made of many code points (a flag, a family,
 * a letter with a pile of combining marks) counts each, so no limit can be stretched by stacking.
 */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` if it has at most `max` code points; else its longest start of whole graphemes that fits
 * in `max - 1`, and an ellipsis (never half an emoji or a letter without its accent).
 */
export function truncateText(text: string, max: number): string {
  if (codePointLength(text) <= max) return text;
  let kept = '';
  let length = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = codePointLength(segment);
    if (length + size > max - 1) break;
    kept += segment;
    length += size;
  }
  return `${kept}…`;
}

/** A pictographic code point (an emoji's base: 😀, ❤, 👍; Unicode's Extended_Pictographic). */
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** What may follow an emoji's base inside its grapheme: variation selectors, skin tones, joiners, tags, keycaps. */
const EMOJI_PART = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Component}|\uFE0E|\uFE0F|\u200D|\u20E3)+$/u;

/** Whether `text` is exactly one emoji (one grapheme: a flag, a skin tone, a family count as one). */
export function isOneEmoji(text: string): boolean {
  const segments = [...graphemes.segment(text)];
  if (segments.length !== 1 || codePointLength(text) > 16) return false;
  const flag = /^[\u{1F1E6}-\u{1F1FF}]{2}$/u.test(text);
  return flag || (PICTOGRAPHIC.test(text) && EMOJI_PART.test(text));
}

/** A lone UTF-16 surrogate (half of a pair without the other): no character at all. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What makes `text` unfit to store and hand to every client, if anything: a NUL (C strings, logs
 * and some databases cut text there) or a lone surrogate (not Unicode: UTF-8 encoders replace or
 * refuse it, so two clients would show different text).
 */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no lone surrogate)';
  return undefined;
}
