const WORDS: Record<string, string> = { "&": " and ", "+": " plus ", "#": " sharp ", "@": " at " };

/**
 * Turns a topic name into a stable, readable slug for URLs and folder names: lower case, Latin
 * accents folded (`Künstliche` → `kunstliche`), letters (and their combining marks) of other
 * scripts kept as they are,
 * `&`/`+`/`#`/`@` spelled out, everything else a single `-`. The result never contains `.`,
 * `/` or `\`, so it can never name a file outside the output folder. Returns `""` when nothing
 * usable is left (a name of only punctuation).
 *
 * @param name - a topic name
 * @returns the slug, at most 80 characters
 * @example
 * slugify("AI in Security") // "ai-in-security"
 * slugify("C++") // "c-plus-plus"
 */
export function slugify(name: string): string {
  let out = "";
  for (const ch of name.normalize("NFC")) {
    const word = WORDS[ch];
    if (word !== undefined) {
      out += word.replace(/ /g, "-");
      continue;
    }
    const base = ch.normalize("NFKD");
    const first = base.charCodeAt(0);
    if ((first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a)) {
      // A Latin letter or digit, possibly with accents: keep the ASCII letters only (ß, æ have no ASCII base).
      out += base.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
    } else if (/[\p{L}\p{N}]/u.test(ch)) {
      out += ch.toLowerCase();
    } else if (/\p{M}/u.test(ch)) {
      // A combining mark (Devanagari vowel signs, Thai tone marks) belongs to the letter before it;
      // after a Latin letter, where the accent was folded away, it goes too.
      if (out !== "" && !/[-a-z0-9]$/.test(out)) out += ch;
    } else {
      out += "-";
    }
  }
  out = out.replace(/-+/g, "-").replace(/^-|-$/g, "");
  if (out.length > 80) out = out.slice(0, 80).replace(/-$/, "");
  return out;
}

/**
 * The key under which topic names merge: NFC, white space collapsed, lower case. `AI in
 * Security` and `ai  in security` are one topic.
 *
 * @example
 * topicKey(" AI  in Security") // "ai in security"
 */
export function topicKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = name.normalize("NFC").replace(/\s+/g, " ").trim().toLowerCase();
    // Topic names repeat across records: remember them (bounded, so odd input cannot grow it forever).
    if (keys.size < 100_000) keys.set(name, key);
  }
  return key;
}

const keys = new Map<string, string>();
