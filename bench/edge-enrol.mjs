// Enrols COUNT workers with one enrollment token, CONCURRENCY at a time, and prints one
// credential per line.  node bench/edge-enrol.mjs <base url> <token> <count>
const [base, token, count] = process.argv.slice(2);
const total = Number(count);
const concurrency = 64;
const credentials = new Array(total);
let next = 0;
async function worker() {
  while (next < total) {
    const index = next++;
    const response = await fetch(`${base}/edge/v1/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        display_name: `bench-${index}`, platform: 'linux', arch: 'x86_64', version: '0.1.0', cpus: 1,
      }),
    });
    if (response.status !== 201) {
      throw new Error(`register ${index}: ${response.status} ${await response.text()}`);
    }
    credentials[index] = (await response.json()).credential;
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(credentials.join('\n') + '\n');
