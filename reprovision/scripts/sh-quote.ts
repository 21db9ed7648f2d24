/** POSIX shell quoting for the scripts `reprovision` generates. */

/** One word, single-quoted unless it is plainly safe. */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line of quoted words. */
export function shWords(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}
