/**
 * Text the ledger stores must be well-formed Unicode. JSON lets a string carry a lone UTF-16
 * surrogate (`"\ud800"`); stored as it came, an event would hold a name that is no text at
 * all: UTF-8 readers (SQLite's own functions, other languages, exports) turn it into U+FFFD
 * or refuse the document, so the copies of one event would disagree.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether `text` holds a surrogate that is not half of a pair (String.prototype.isWellFormed, ES2024). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

export const LONE_SURROGATE_RULE = { rule: 'isWellFormed', message: 'holds a lone UTF-16 surrogate: not Unicode text' } as const;
