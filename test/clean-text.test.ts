import { describe, expect, it } from "vitest";
import { cleanText, collapseSpace, cutText, normalizeNewlines, toPlainText } from "../src/records/clean-text.js";
import { escapeAttr, escapeHtmlInXml, escapeRssText, escapeXml, rfc822 } from "../src/render/_xml.js";

describe("cleanText", () => {
  it("removes characters XML 1.0 forbids and keeps tab, newline, emoji", () => {
    expect(cleanText("a\u0000b\u0008c\u001Fd\uFFFEe\uFFFFf")).toEqual({ text: "abcdef", changed: true });
    expect(cleanText("tab\tnl\n🔐")).toEqual({ text: "tab\tnl\n🔐", changed: false });
  });
  it("removes lone surrogates but keeps pairs", () => {
    expect(cleanText("a\uD800b\uDC00c😀").text).toBe("abc😀");
  });
  it("collapses white space", () => {
    expect(collapseSpace("  AI \n in\t Security ")).toBe("AI in Security");
  });
});

describe("toPlainText", () => {
  it("removes inline formatting tags and decodes entities", () => {
    expect(toPlainText("Fix <code>CVE-2021-1</code> &amp; <b class=x>more</b>&#33; &#x41;")).toBe(
      "Fix CVE-2021-1 & more! A",
    );
  });
  it("keeps other angle brackets as literal text", () => {
    expect(toPlainText("Stop <script> injection")).toBe("Stop <script> injection");
    expect(toPlainText("&lt;b&gt;")).toBe("<b>");
  });
  it("decodes every HTML5 named reference, not only the common ones", () => {
    expect(
      toPlainText("&Eacute;t&eacute; &agrave; l&rsquo;&eacute;cole &frac12; &check; &CounterClockwiseContourIntegral;"),
    ).toBe("Été à l’école ½ ✓ ∳");
  });
  it("leaves a reference without its semicolon, or with an unknown name, as written", () => {
    expect(toPlainText("&notice &copy 2024 &bogus; AT&T R&D;")).toBe("&notice &copy 2024 &bogus; AT&T R&D;");
  });
  it("decodes once: an escaped reference becomes the reference's text, not its character", () => {
    expect(toPlainText("write &amp;copy; for ©")).toBe("write &copy; for ©");
  });
  it("drops references to characters XML forbids", () => {
    expect(toPlainText("a&#0;b&#xFFFE;c")).toBe("abc");
  });
});

describe("XML escaping", () => {
  it("escapes text so ]]> can never appear", () => {
    expect(escapeXml("a < b & c ]]> ]]>")).toBe("a &lt; b &amp; c ]]&gt; ]]&gt;");
  });
  it("escapes attributes including quotes and line breaks", () => {
    expect(escapeAttr('say "hi" & <go>\n')).toBe("say &quot;hi&quot; &amp; &lt;go&gt;&#10;");
  });
  it("HTML-escapes then XML-escapes text inside HTML elements", () => {
    expect(escapeHtmlInXml("<img onerror=x>")).toBe("&amp;lt;img onerror=x&amp;gt;");
  });
  it("turns each line break of HTML text into <br>, so readers that show HTML keep the lines", () => {
    expect(escapeHtmlInXml("one & two\n\nthree")).toBe("one &amp;amp; two&lt;br&gt;&lt;br&gt;three");
  });
  it("keeps RSS titles that read like markup plain: a word joiner after </ and before a reference's name", () => {
    expect(escapeRssText("Use <b>bold</b>, &copy; and &#169;")).toBe(
      "Use &#x3C;b&gt;bold&lt;\u2060/b&gt;, &amp;\u2060copy; and &amp;\u2060#169;",
    );
    // Text that no reader takes for markup is written as it is; a tag-like `<` as the RSS profile asks.
    expect(escapeRssText("AT&T: a < b, <script> & R&D")).toBe("AT&amp;T: a &lt; b, &#x3C;script&gt; &amp; R&amp;D");
  });
  it("writes RFC 822 dates in GMT with a four-digit year", () => {
    expect(rfc822("2021-07-19T10:00:00Z")).toBe("Mon, 19 Jul 2021 10:00:00 GMT");
  });
});

describe("cutText", () => {
  it("leaves short text alone and cuts long text to max characters ending in …", () => {
    expect(cutText("abc", 3)).toBe("abc");
    expect(cutText("abcdef", 4)).toBe("abc…");
  });
  it("never leaves half of a surrogate pair at the cut", () => {
    // "a😀😀": the cut at 3 would fall between the halves of the first emoji.
    expect(cutText("a😀😀", 3)).toBe("a…");
    expect(cutText("a😀😀", 4)).toBe("a😀…");
  });
});

describe("normalizeNewlines", () => {
  it("turns CRLF and lone CR into LF, as XML parsers do on reading", () => {
    expect(normalizeNewlines("a\r\nb\rc\nd")).toBe("a\nb\nc\nd");
    expect(normalizeNewlines("plain")).toBe("plain");
  });
});
