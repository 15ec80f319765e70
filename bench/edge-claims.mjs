// Task-claim load for bench/edge: drains the task queue through POST /edge/v1/tasks/next.
//
//   node bench/edge-claims.mjs <credentials file> <base url> [<base url>…]
//
// CONNECTIONS (default 64) claim loops run at once. Every call takes the next replica in
// turn (alternating) and the worker credentials round-robin, so each worker claims from
// every replica. A loop stops at its first {"task": null}: the queue is empty (or its last
// rows are being leased by other calls). Every leased task id is recorded; ids leased more
// than once are double claims. Writes the ids to $LEASED (one per line) if set. Stops after
// MAX_ERRORS (default 100) failed calls.
//
// With WARMUP=1, it only has every worker call every replica once, on an empty queue, the
// way idle agents poll: credentials checked and remembered, database connections opened.
//
// Prints a summary to stderr and two machine-readable lines to stdout:
//   RESULT <leases> <distinct> <doubles> <errors> <window s> <leases/s> <p50 ms> <p99 ms>
//   PER_SECOND <leases in the first second> <in the second> …
// The window runs from the first call to the last lease, so the tail of empty answers does
// not count.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const [credentialsFile, ...bases] = process.argv.slice(2);
if (!credentialsFile || bases.length === 0) {
  console.error('usage: edge-claims.mjs <credentials file> <base url>…');
  process.exit(2);
}
const credentials = readFileSync(credentialsFile, 'utf8').split('\n').filter(Boolean);
const connections = Number(process.env.CONNECTIONS || 64);
const maxErrors = Number(process.env.MAX_ERRORS || 100);
const perReplica = Math.ceil(connections / bases.length) + 1;
const replicas = bases.map((base) => {
  const url = new URL(base);
  return {
    host: url.hostname,
    port: Number(url.port),
    agent: new http.Agent({ keepAlive: true, maxSockets: perReplica }),
  };
});

// One POST; resolves to { status, body }.
function post(replica, credential) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: replica.host, port: replica.port, agent: replica.agent,
      method: 'POST', path: '/edge/v1/tasks/next',
      headers: {
        authorization: `Bearer ${credential}`,
        'content-type': 'application/json',
        'content-length': 2,
      },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end('{}');
  });
}

if (process.env.WARMUP === '1') {
  const calls = replicas.flatMap((replica) => credentials.map((credential) => [replica, credential]));
  let nextCall = 0;
  const warmLoop = async () => {
    while (nextCall < calls.length) {
      const answer = await post(...calls[nextCall++]);
      if (answer.status !== 200 || JSON.parse(answer.body).task !== null) {
        throw new Error(`warm-up: expected {"task": null}, got ${answer.status} ${answer.body.slice(0, 160)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, warmLoop));
  for (const replica of replicas) replica.agent.destroy();
  process.exit(0);
}

const leased = [];
const latencies = [];
const failures = new Map();
const perSecond = [];
let started = 0;
let counter = 0;
let errors = 0;
let lastLease = 0;

async function claimLoop() {
  for (;;) {
    const n = counter++;
    const replica = replicas[n % replicas.length];
    const credential = credentials[Math.floor(n / replicas.length) % credentials.length];
    const sent = performance.now();
    let answer;
    try {
      answer = await post(replica, credential);
    } catch (err) {
      answer = { status: 0, body: String(err) };
    }
    const received = performance.now();
    latencies.push(received - sent);
    if (answer.status !== 200) {
      errors++;
      const key = `${answer.status} ${answer.body.slice(0, 160)}`;
      failures.set(key, (failures.get(key) || 0) + 1);
      if (errors >= maxErrors) return;
      continue;
    }
    const task = JSON.parse(answer.body).task;
    if (!task) return;
    leased.push(task.id);
    lastLease = received;
    const second = Math.floor((received - started) / 1000);
    perSecond[second] = (perSecond[second] || 0) + 1;
  }
}

started = performance.now();
await Promise.all(Array.from({ length: connections }, claimLoop));
const ended = performance.now();
for (const replica of replicas) replica.agent.destroy();

const seen = new Map();
for (const id of leased) seen.set(id, (seen.get(id) || 0) + 1);
const doubles = [...seen.values()].filter((times) => times > 1).length;
const window = ((lastLease || ended) - started) / 1000;
const rate = leased.length / window;
latencies.sort((a, b) => a - b);
const percentile = (p) => latencies.length
  ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : 0;
if (process.env.LEASED) writeFileSync(process.env.LEASED, leased.join('\n') + (leased.length ? '\n' : ''));

console.error(`claims: ${leased.length} leases (${seen.size} distinct, ${doubles} leased twice or more) `
  + `in ${window.toFixed(2)} s = ${rate.toFixed(0)} leases/s; ${latencies.length} calls, ${errors} errors; `
  + `p50 ${percentile(50).toFixed(2)} ms, p99 ${percentile(99).toFixed(2)} ms`);
console.error(`  leases in each second of the run: ${Array.from(perSecond, (n) => n || 0).join(' ')}`);
for (const [failure, times] of failures) console.error(`  ${times} × ${failure}`);
console.log(['RESULT', leased.length, seen.size, doubles, errors, window.toFixed(2), rate.toFixed(0),
  percentile(50).toFixed(2), percentile(99).toFixed(2)].join(' '));
console.log(`PER_SECOND ${Array.from(perSecond, (n) => n || 0).join(' ')}`);
process.exit(errors >= maxErrors ? 1 : 0);
