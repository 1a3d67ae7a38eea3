import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One publish request a hub received, after it was checked. */
export interface PublishRequest {
  topic: string;
  status: number;
}

/**
 * A WebSub hub's publish side on 127.0.0.1 (a free port): it takes `POST` with a form-encoded
 * body `hub.mode=publish&hub.url=<topic>`, answers `202 Accepted` (the hub fetches the topic
 * later, W3C WebSub §7 leaves the publish form to the hub, and hubs such as Google's and
 * Superfeedr's answer 202 or 204), and `400` for anything else: another method, another content
 * type, another mode, a missing or relative `hub.url`. `respond` can make it fail or stall a
 * request, to test retries and timeouts.
 */
export async function startHub(
  respond: (topic: string, n: number) => "accept" | "fail" | "stall" = () => "accept",
): Promise<{ url: string; requests: PublishRequest[]; close: () => Promise<void> }> {
  const requests: PublishRequest[] = [];
  const stalled: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const reply = (status: number, text = "") => {
        res.writeHead(status, { "content-type": "text/plain" }).end(text);
      };
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const topic = form.get("hub.url") ?? "";
      let valid = req.method === "POST" && type === "application/x-www-form-urlencoded";
      valid &&= form.get("hub.mode") === "publish" && form.getAll("hub.url").length === 1;
      try {
        valid &&= /^https?:$/.test(new URL(topic).protocol);
      } catch {
        valid = false;
      }
      if (!valid) {
        requests.push({ topic, status: 400 });
        return reply(400, "expected POST hub.mode=publish&hub.url=<absolute URL>, form-encoded");
      }
      const what = respond(topic, requests.length);
      if (what === "stall") {
        requests.push({ topic, status: 0 });
        stalled.push(res);
        return;
      }
      const status = what === "accept" ? 202 : 503;
      requests.push({ topic, status });
      reply(status, status === 503 ? "try again" : "");
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hub`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const r of stalled) r.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
