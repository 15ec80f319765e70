// Enrols COUNT workers for bench/edge and prints one credential (wk_live_…) per line.
//
//   node bench/edge-enrol.mjs <base url> <count> <token> [<token>…]
//
// Each worker registers (POST /edge/v1/register) and sends its first heartbeat, as an agent
// does, so it is online and its first (transition) heartbeat is not part of a timed run.
// An enrollment token allows at most 1,000 uses, so 10,000 workers need ten tokens; they
// are used in turn (worker i takes token i mod n), which also spreads the tokens' use
// counters over n rows. CONCURRENCY (default 64) workers enrol at a time.
const [base, count, ...tokens] = process.argv.slice(2);
const total = Number(count);
if (!base || !(total > 0) || tokens.length * 1000 < total) {
  console.error('usage: edge-enrol.mjs <base url> <count> <token>… (one token per 1,000 workers)');
  process.exit(2);
}
const concurrency = Number(process.env.CONCURRENCY || 64);
const heartbeat = JSON.stringify({
  sent_at: new Date().toISOString(), version: '0.1.0', platform: 'linux', arch: 'x86_64',
  state: 'idle', active_task: null, uptime_seconds: 5, last_error: null,
});
const credentials = new Array(total);
let next = 0;

async function call(path, bearer, body, expected) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body,
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function enrolLoop() {
  while (next < total) {
    const index = next++;
    const registered = await call('/edge/v1/register', tokens[index % tokens.length],
      JSON.stringify({
        display_name: `bench-${index}`, platform: 'linux', arch: 'x86_64', version: '0.1.0', cpus: 1,
      }), 201);
    await call('/edge/v1/heartbeat', registered.credential, heartbeat, 200);
    credentials[index] = registered.credential;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: Math.min(concurrency, total) }, enrolLoop));
process.stdout.write(credentials.join('\n') + '\n');
const seconds = (performance.now() - started) / 1000;
console.error(`enrolled ${total} workers in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)}/s)`);
