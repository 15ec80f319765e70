// Sets up a signed-in user with AGENTS enrolled agents, each heard from once, on the
// server at PORT; prints the session cookie for the benchmark's requests.
//
//   node bench/signed-in.mjs PORT AGENTS
import { client, expectStatus as ok, sessionCookie } from "./http.mjs";

const [port, agentsArg] = process.argv.slice(2);
const AGENTS = Number(agentsArg);
const beta = `beta.localhost:${port}`;
const email = "bench@example.org";
const password = "benchmark passphrase, long enough";
const call = client(port);

const form = { "content-type": "application/x-www-form-urlencoded" };
const json = { "content-type": "application/json" };
const fields = (values) => new URLSearchParams(values).toString();

await ok(call("POST", beta, "/api/auth/register", { headers: form, body: fields({ email, password, display_name: "Bench Mark" }) }), "register");
const login = await ok(call("POST", beta, "/api/auth/login", { headers: form, body: fields({ email, password }) }), "sign-in");
const cookie = sessionCookie(login);
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
