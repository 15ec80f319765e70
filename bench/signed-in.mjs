// Sets up a signed-in user with AGENTS enrolled agents, each heard from once, on the
// server at PORT; prints the session cookie for the benchmark's requests.
//
//   node bench/signed-in.mjs PORT AGENTS
import http from "node:http";

const [port, agentsArg] = process.argv.slice(2);
const AGENTS = Number(agentsArg);
const beta = `beta.localhost:${port}`;
const email = "bench@example.org";
const password = "benchmark passphrase, long enough";

function call(method, host, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, method, path, headers: { host, ...headers } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString() }));
    });
    request.on("error", reject);
    if (body) request.write(body);
    request.end();
  });
}

async function ok(promise, what, status = 200) {
  const response = await promise;
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text}`);
  return response;
}

const form = { "content-type": "application/x-www-form-urlencoded" };
const json = { "content-type": "application/json" };
const fields = (values) => new URLSearchParams(values).toString();

await ok(call("POST", beta, "/api/auth/register", { headers: form, body: fields({ email, password, display_name: "Bench Mark" }) }), "register");
const login = await ok(call("POST", beta, "/api/auth/login", { headers: form, body: fields({ email, password }) }), "sign-in");
const cookie = [login.headers["set-cookie"]].flat().map((line) => line.split(";")[0]).join("; ");
const created = await ok(call("POST", beta, "/api/fleet/create_token", { headers: { ...form, cookie }, body: fields({ max_uses: AGENTS }) }), "token");
const { token } = JSON.parse(created.text);
for (let index = 0; index < AGENTS; index++) {
  const body = JSON.stringify({ display_name: `bench-${String(index).padStart(3, "0")}`, platform: "linux", arch: "x86_64", version: "0.1.0", cpus: 8 });
  const registered = await ok(call("POST", `localhost:${port}`, "/edge/v1/register", { headers: { ...json, authorization: `Bearer ${token}` }, body }), "register an agent", 201);
  const { credential } = JSON.parse(registered.text);
  const beat = JSON.stringify({ sent_at: new Date().toISOString(), version: "0.1.0", platform: "linux", arch: "x86_64", state: "idle", active_task: null, uptime_seconds: 60, last_error: null });
  await ok(call("POST", `localhost:${port}`, "/edge/v1/heartbeat", { headers: { ...json, authorization: `Bearer ${credential}` }, body: beat }), "heartbeat");
}
console.log(cookie);
