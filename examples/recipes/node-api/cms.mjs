// Stands in for a CMS or an API client: articles arrive as plain objects, not files. Replace
// fetchArticles() with your client's call (e.g. `await cms.entries({ type: "article" })`).
export async function fetchArticles() {
  return [
    {
      title: "Small Models, Big Gains: Running LLMs on a Laptop",
      excerpt: "Quantised models now answer questions in under a second on consumer hardware.",
      webUrl: "https://news.example.com/ai/small-models-big-gains",
      publishedDateTime: "2024-03-02T14:30:00Z",
      topics: ["AI"],
      quality: 84,
      published: true,
    },
    {
      title: "Phishing Kits Now Write Their Own Lures",
      excerpt: "Security teams report lures that <em>adapt</em> to each recipient & their role.",
      webUrl: "https://news.example.com/security/phishing-kits-use-ai",
      publishedDateTime: "2024-02-27T07:00:00Z",
      topics: ["AI", "Security"],
      quality: 66,
      published: true,
    },
    {
      title: "Zero Trust at the Edge: What Changes for Branch Offices",
      webUrl: "https://news.example.com/security/zero-trust-at-the-edge",
      publishedDateTime: "2024-03-04T09:15:00Z",
      topics: ["Security", "Networking"],
      quality: 78,
      published: true,
    },
    {
      title: "An entry the editor left half done",
      webUrl: "not a url yet",
      publishedDateTime: "2024-03-05T10:00:00Z",
      topics: ["AI"],
      published: true,
    },
  ];
}
