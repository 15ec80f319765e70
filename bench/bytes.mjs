// Measures what a first visit downloads: the page, then every stylesheet, script,
// module, WebAssembly file and icon it references, each fetched with
// `Accept-Encoding: br, gzip` and counted as sent on the wire (compressed).
// Usage: node bench/bytes.mjs PORT [--check] "name host path budget_kb" ...
import http from "node:http";

const [port, mode, ...pages] = process.argv.slice(2);
const check = mode === "--check";

function get(host, path) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: "127.0.0.1", port, path, headers: { host: `${host}:${port}`, "accept-encoding": "br, gzip" } },
      (response) => {
        let bytes = 0;
        const chunks = [];
        response.on("data", (chunk) => {
          bytes += chunk.length;
          chunks.push(chunk);
        });
        response.on("end", () =>
          resolve({ status: response.statusCode, headers: response.headers, bytes, body: Buffer.concat(chunks) }),
        );
      },
    );
    request.on("error", reject);
  });
}

async function decoded(response) {
  const zlib = await import("node:zlib");
  switch (response.headers["content-encoding"]) {
    case "br":
      return zlib.brotliDecompressSync(response.body).toString();
    case "gzip":
      return zlib.gunzipSync(response.body).toString();
    default:
      return response.body.toString();
  }
}

/** Same-origin files the page loads on a first visit. */
function assets(html, inlineScripts) {
  const found = new Set();
  const patterns = [
    /<link[^>]+rel="(?:stylesheet|icon|modulepreload|preload|manifest)"[^>]*href="([^"]+)"/g,
    /<link[^>]+href="([^"]+)"[^>]*rel="(?:stylesheet|icon|modulepreload|preload|manifest)"/g,
    /<script[^>]+src="([^"]+)"/g,
  ];
  for (const pattern of patterns) for (const match of html.matchAll(pattern)) found.add(match[1]);
  // The loader script imports the bundle and names the WebAssembly file.
  for (const script of inlineScripts) {
    for (const match of script.matchAll(/["'](\/pkg\/[^"']+\.(?:js|wasm))["']/g)) found.add(match[1]);
  }
  return [...found].filter((url) => url.startsWith("/"));
}

let failed = false;
for (const spec of pages) {
  const [name, host, path, budgetKb] = spec.split(" ");
  const page = await get(host, path);
  if (page.status !== 200) throw new Error(`${host}${path} answered ${page.status}`);
  const html = await decoded(page);
  const inline = [...html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const rows = [["html", path, page.bytes, page.headers["content-encoding"] ?? "identity"]];
  for (const url of assets(html, inline)) {
    const file = await get(host, url);
    if (file.status !== 200) throw new Error(`${url} answered ${file.status}`);
    const kind = url.split(".").pop();
    rows.push([kind, url, file.bytes, file.headers["content-encoding"] ?? "identity"]);
  }
  const total = rows.reduce((sum, row) => sum + row[2], 0);
  const kb = (n) => (n / 1024).toFixed(1);
  console.log(`\n${name}: ${host}${path}`);
  for (const [kind, url, bytes, encoding] of rows) {
    console.log(`  ${kind.padEnd(11)} ${kb(bytes).padStart(7)} KB  ${encoding.padEnd(8)} ${url}`);
  }
  const over = total > Number(budgetKb) * 1024;
  console.log(`  total       ${kb(total).padStart(7)} KB  budget ${budgetKb} KB  ${over ? "OVER BUDGET" : "within budget"}`);
  if (over) failed = true;
}
if (check && failed) process.exit(1);
