// Measures what a first visit downloads: the page, then every stylesheet, script,
// module, WebAssembly file and icon it references, each fetched with
// `Accept-Encoding: br, gzip` and counted as sent on the wire (compressed).
// Usage: node bench/bytes.mjs PORT [--check] "name host path budget_kb [signed-in]" ...
// A page marked `signed-in` is fetched as a user registered for the purpose (its files
// are the same for everyone and fetched without the cookie).
import http from "node:http";

const [port, mode, ...pages] = process.argv.slice(2);
const check = mode === "--check";

function get(host, path, cookie) {
  return new Promise((resolve, reject) => {
    const headers = { host: `${host}:${port}`, "accept-encoding": "br, gzip", ...(cookie ? { cookie } : {}) };
    const request = http.get(
      { host: "127.0.0.1", port, path, headers },
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

/** POSTs a form to the product app's host; resolves with the response, its body skipped. */
function post(host, path, fields) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path,
        headers: { host: `${host}:${port}`, "content-type": "application/x-www-form-urlencoded" },
      },
      (response) => {
        response.resume();
        resolve(response);
      },
    );
    request.on("error", reject);
    request.end(new URLSearchParams(fields).toString());
  });
}

/** Registers a user on the product app's host, signs it in and returns its session cookie. */
async function signIn(host) {
  const email = "bytes@example.org";
  const password = "a passphrase for the bytes budget";
  await post(host, "/api/auth/register", { email, password, display_name: "Bytes Budget" });
  const response = await post(host, "/api/auth/login", { email, password });
  const cookie = [response.headers["set-cookie"] ?? []].flat().map((line) => line.split(";")[0]).join("; ");
  if (!cookie) throw new Error(`signing in on ${host} answered ${response.statusCode} without a session`);
  return cookie;
}

let failed = false;
let session;
for (const spec of pages) {
  const [name, host, path, budgetKb, signedIn] = spec.split(" ");
  const cookie = signedIn === "signed-in" ? (session ??= await signIn(host)) : undefined;
  const page = await get(host, path, cookie);
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
  console.log(`\n${name}: ${host}${path}${cookie ? " (signed in)" : ""}`);
  for (const [kind, url, bytes, encoding] of rows) {
    console.log(`  ${kind.padEnd(11)} ${kb(bytes).padStart(7)} KB  ${encoding.padEnd(8)} ${url}`);
  }
  const over = total > Number(budgetKb) * 1024;
  console.log(`  total       ${kb(total).padStart(7)} KB  budget ${budgetKb} KB  ${over ? "OVER BUDGET" : "within budget"}`);
  if (over) failed = true;
}
if (check && failed) process.exit(1);
