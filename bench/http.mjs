// HTTP helpers shared by the benchmark scripts: every call goes to the server on
// 127.0.0.1:PORT with the site chosen by its Host header, as a browser or agent would
// reach it through DNS.
import http from "node:http";

/** A client for the server on `port`: `call(method, host, path, { headers, body })`
 * resolves with `{ status, headers, text }`. */
export function client(port) {
  return function call(method, host, path, { headers = {}, body } = {}) {
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
  };
}

/** The response of `promise`, which must have `status`; throws naming `what` otherwise. */
export async function expectStatus(promise, what, status = 200) {
  const response = await promise;
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${response.text}`);
  return response;
}

/** A session cookie header from a response's `Set-Cookie` lines. */
export function sessionCookie(response) {
  return [response.headers["set-cookie"] ?? []].flat().map((line) => line.split(";")[0]).join("; ");
}
