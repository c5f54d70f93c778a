import { codePointLength, isOneEmoji, truncateText } from './text';

describe('text lengths', () => {
  it('counts an emoji as one character, and each code point of a composed grapheme', () => {
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀'.repeat(10))).toBe(10);
    expect(codePointLength('👍🏽')).toBe(2);
  });

  it('leaves text that fits alone', () => {
    expect(truncateText('😀'.repeat(200), 200)).toBe('😀'.repeat(200));
  });

  it('cuts on a grapheme boundary, never inside an emoji or a skin-tone sequence', () => {
    const cut = truncateText('😀'.repeat(300), 200);
    expect(cut).toBe(`${'😀'.repeat(199)}…`);
    expect(cut).not.toContain('\uFFFD');
    const toned = truncateText(`${'a'.repeat(198)}👍🏽 and more`, 200);
    expect(toned).toBe(`${'a'.repeat(198)}…`);
  });

  it('tells one emoji from anything else', () => {
    for (const emoji of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇸🇬', '😂']) expect({ emoji, one: isOneEmoji(emoji) }).toEqual({ emoji, one: true });
    for (const other of ['', 'a', '👍👍', 'ok 👍', '1', '#', '👍a', '\u200d']) expect({ other, one: isOneEmoji(other) }).toEqual({ other, one: false });
  });
});
