// Opens STREAMS event streams (GET /api/live on the beta host) for one signed-in user,
// then changes one of their agents ROUNDS times and measures, for every stream, the time
// from the change's request to the stream's `change` event about it. Prints the server's
// resident memory before and after the streams opened, and the latency percentiles.
//
//   node bench/live-fanout.mjs PORT SERVER_PID STREAMS ROUNDS EMAIL PASSWORD
import http from "node:http";
import { readFileSync } from "node:fs";
import { client, sessionCookie } from "./http.mjs";
import { performance } from "node:perf_hooks";

const [port, pid, streamsArg, roundsArg, email, password] = process.argv.slice(2);
const STREAMS = Number(streamsArg);
const ROUNDS = Number(roundsArg);
const ROUND_TIMEOUT_MS = 10_000;
const beta = `beta.localhost:${port}`;

const call = client(port);

const form = (fields) => new URLSearchParams(fields).toString();
const formHeaders = { "content-type": "application/x-www-form-urlencoded" };

function rssKb() {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// Signed in, with a token, and one enrolled agent to change.
const login = await call("POST", beta, "/api/auth/login", { headers: formHeaders, body: form({ email, password }) });
if (login.status !== 200) throw new Error(`sign-in: ${login.status} ${login.text}`);
const cookie = sessionCookie(login);
const created = await call("POST", beta, "/api/fleet/create_token", { headers: { ...formHeaders, cookie }, body: "" });
if (created.status !== 200) throw new Error(`token: ${created.status} ${created.text}`);
const { token } = JSON.parse(created.text);
const registered = await call("POST", `localhost:${port}`, "/edge/v1/register", {
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({ display_name: "fanout", platform: "linux", arch: "x86_64", version: "0.1.0", cpus: 1 }),
});
if (registered.status !== 201) throw new Error(`register: ${registered.status} ${registered.text}`);
const { worker_id: workerId } = JSON.parse(registered.text);

// The streams. Each calls `heard(index)` on a worker change.
let heard = () => {};
const before = rssKb();
const opening = performance.now();
const sockets = [];
await Promise.all(
  Array.from({ length: STREAMS }, (_, index) =>
    new Promise((resolve, reject) => {
      const request = http.get(
        { host: "127.0.0.1", port, path: "/api/live", agent: false, headers: { host: beta, cookie, accept: "text/event-stream" } },
        (response) => {
          if (response.statusCode !== 200) return reject(new Error(`stream ${index}: ${response.statusCode}`));
          response.setEncoding("utf8");
          let buffered = "";
          response.on("data", (text) => {
            buffered += text;
            let end;
            while ((end = buffered.indexOf("\n\n")) >= 0) {
              const block = buffered.slice(0, end);
              buffered = buffered.slice(end + 2);
              if (/^event: change$/m.test(block) && block.includes('"worker"')) heard(index);
            }
          });
          resolve();
        },
      );
      request.on("error", reject);
      sockets.push(request);
    }),
  ),
);
const openSeconds = (performance.now() - opening) / 1000;
await new Promise((resolve) => setTimeout(resolve, 1000));
const after = rssKb();

// The rounds: disable, enable, disable… each heard once per stream.
const latencies = [];
let missed = 0;
for (let round = 0; round < ROUNDS; round++) {
  const waiting = new Set(Array.from({ length: STREAMS }, (_, index) => index));
  let started = 0;
  const done = new Promise((resolve) => {
    heard = (index) => {
      if (!waiting.delete(index)) return;
      latencies.push(performance.now() - started);
      if (waiting.size === 0) resolve();
    };
    setTimeout(resolve, ROUND_TIMEOUT_MS);
  });
  started = performance.now();
  const action = round % 2 === 0 ? "disable" : "enable";
  const changed = await call("POST", beta, "/api/fleet/worker_action", { headers: { ...formHeaders, cookie }, body: form({ id: workerId, action }) });
  if (changed.status !== 200) throw new Error(`${action}: ${changed.status} ${changed.text}`);
  await done;
  missed += waiting.size;
  heard = () => {};
  await new Promise((resolve) => setTimeout(resolve, 300));
}
for (const request of sockets) request.destroy();

latencies.sort((a, b) => a - b);
const perStream = (after - before) / STREAMS;
console.log(JSON.stringify({
  streams: STREAMS,
  rounds: ROUNDS,
  open_seconds: Number(openSeconds.toFixed(2)),
  rss_before_kb: before,
  rss_after_kb: after,
  rss_per_stream_kb: Number(perStream.toFixed(1)),
  deliveries: latencies.length,
  missed,
  p50_ms: Number(percentile(latencies, 50).toFixed(1)),
  p95_ms: Number(percentile(latencies, 95).toFixed(1)),
  p99_ms: Number(percentile(latencies, 99).toFixed(1)),
  max_ms: Number(latencies.at(-1)?.toFixed(1)),
}));
