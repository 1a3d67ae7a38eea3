// Runs in the browser (page.evaluate): everything the preview-page tests look at, read in one
// round trip. Plain JavaScript, so the TypeScript program needs no DOM types.
() => {
  const text = (e) => e?.textContent ?? null;
  return {
    h1: text(document.querySelector("h1")),
    description: text(document.querySelectorAll("header p")[1]),
    webPage: [...document.querySelectorAll("a")].find((a) => a.textContent === "Web page")?.getAttribute("href"),
    alternates: [...document.querySelectorAll('link[rel="alternate"]')].map((l) => ({
      href: l.href,
      type: l.getAttribute("type"),
      title: l.getAttribute("title"),
    })),
    subs: [...document.querySelectorAll(".sub")].map((d) => ({
      label: text(d.querySelector("a")),
      href: d.querySelector("a").href,
      value: d.querySelector("input").value,
      button: d.querySelector("button").checkVisibility(),
    })),
    items: [...document.querySelectorAll("ol.items > li")].map((li) => ({
      title: text(li.querySelector("h3 a")),
      href: li.querySelector("h3 a")?.getAttribute("href"),
      meta: text(li.querySelector(".meta")),
      excerpt: text(li.querySelector(".excerpt")),
      image: li.querySelector("img")?.getAttribute("src") ?? null,
    })),
    cards: [...document.querySelectorAll("ul.topics > li")].map((li) => ({
      name: text(li.querySelector("h3")),
      href: li.querySelector("h3 a").href,
      meta: text(li.querySelector(".meta")),
      newest: [...li.querySelectorAll(":scope > ul li a")].map((a) => a.textContent),
      formats: [...li.querySelectorAll(".formats a")].map((a) => a.href),
    })),
  };
};
