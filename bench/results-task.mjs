// Finishes a queued backtest the way an agent would, for the results-page benchmark:
// enrols one agent for the signed-in user, leases the user's queued task and posts a
// result for every config (500 per call, the protocol's limit), then completes it.
// The metrics are spread over each config so that every sort order is a different page.
//
//   node bench/results-task.mjs PORT COOKIE
// Prints the task id.
import { client, expectStatus } from "./http.mjs";

const [port, cookie] = process.argv.slice(2);
const beta = `beta.localhost:${port}`;
const edgeHost = `localhost:${port}`;
const BATCH = 500;
const call = client(port);

/** The JSON body of a response that must have `status`. */
const ok = async (promise, what, status = 200) => JSON.parse((await expectStatus(promise, what, status)).text);

const form = { "content-type": "application/x-www-form-urlencoded", cookie };
const edge = (credential) => ({ "content-type": "application/json", authorization: `Bearer ${credential}` });

const { token } = await ok(call("POST", beta, "/api/fleet/create_token", { headers: form, body: "max_uses=1" }), "token");
const agent = JSON.stringify({ display_name: "results-bench", platform: "linux", arch: "x86_64", version: "0.1.0", cpus: 8 });
const { credential } = await ok(call("POST", edgeHost, "/edge/v1/register", { headers: edge(token), body: agent }), "register an agent", 201);
const { task } = await ok(call("POST", edgeHost, "/edge/v1/tasks/next", { headers: edge(credential), body: "{}" }), "lease");
if (!task) throw new Error("no queued task to lease");

// A deterministic spread: each metric follows its own permutation of the configs.
const spread = (id, salt) => ((id * 7919 + salt * 104729) % 10007) / 10007;
function result(configId) {
  const trades = Math.floor(spread(configId, 1) * 40);
  return {
    config_id: configId,
    metrics: {
      total_return: spread(configId, 2) * 2 - 0.5,
      annualised_return: spread(configId, 3) - 0.2,
      sharpe: spread(configId, 4) * 4 - 1,
      sortino: spread(configId, 5) * 5 - 1,
      max_drawdown: spread(configId, 6) * 0.6,
      win_rate: spread(configId, 7),
      trades,
      exposure: spread(configId, 8),
      volatility: spread(configId, 9) * 0.5,
      buy_and_hold_return: 0.3,
      profit_factor: trades === 0 ? null : spread(configId, 10) * 3,
    },
    equity_curve: [
      { time: 1_700_000_000, equity: 1 },
      { time: 1_700_086_400, equity: 1 + spread(configId, 2) },
    ],
    trades: [],
  };
}

const ids = task.configs.map((config) => config.config_id);
for (let start = 0; start < ids.length; start += BATCH) {
  const results = ids.slice(start, start + BATCH).map(result);
  await ok(
    call("POST", edgeHost, `/edge/v1/tasks/${task.id}/results`, { headers: edge(credential), body: JSON.stringify({ results }) }),
    "results",
  );
}
await ok(call("POST", edgeHost, `/edge/v1/tasks/${task.id}/complete`, { headers: edge(credential), body: "{}" }), "complete");
console.log(task.id);
