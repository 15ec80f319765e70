// A throwaway OpenID Connect provider for the sign-in tests.
//
//   node end2end/oidc/provider.mjs
//
// Environment:
//   OIDC_PORT           port on 127.0.0.1 (default 5556; 0 picks a free one); the issuer is
//                       http://127.0.0.1:<port>, printed once listening
//   OIDC_REDIRECT_URIS  comma-separated redirect URIs registered for the client
//                       (default: the beta.localhost and 127.0.0.1 callbacks on port 3000)
//   OIDC_REDIRECT_ANY_PORT=1
//                       also accept a registered redirect URI on any other port when its host is
//                       127.0.0.1, localhost or *.localhost (for apps bound to random ports)
//
// Clients:
//   luckyplans       / luckyplans-test-secret  client_secret_basic
//   luckyplans-post  / luckyplans-test-secret  client_secret_post
//
// Sign-in uses the provider's built-in development pages: any login name and any password
// are accepted, then a consent page. The login name becomes the subject:
//   alice      -> email alice@example.test, name "Alice", realm_access.roles []
//   admin...   -> realm_access.roles ["admin"]
// The "[ Cancel ]" link on either page (GET /interaction/<uid>/abort) sends the browser
// back to the redirect URI with error=access_denied.
//
// State is kept in memory and signing keys are made at start-up: restarting the process
// forgets every session, code and key.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const port = Number.parseInt(process.env.OIDC_PORT || '5556', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid OIDC_PORT: ${process.env.OIDC_PORT}`);
  process.exit(2);
}
const anyPort = process.env.OIDC_REDIRECT_ANY_PORT === '1';

const redirectUris = (
  process.env.OIDC_REDIRECT_URIS
  || 'http://beta.localhost:3000/auth/oidc/callback,http://127.0.0.1:3000/auth/oidc/callback'
)
  .split(',')
  .map((uri) => uri.trim())
  .filter(Boolean);

const CLIENT_SECRET = 'luckyplans-test-secret';

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: `test-${randomBytes(6).toString('hex')}`,
    alg: 'RS256',
    use: 'sig',
  };
}

function displayName(login) {
  const base = login.split('@')[0];
  return base.charAt(0).toUpperCase() + base.slice(1);
}

async function findAccount(_ctx, sub) {
  const login = String(sub);
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email: login.includes('@') ? login : `${login}@example.test`,
        email_verified: true,
        name: displayName(login),
        realm_access: { roles: login.startsWith('admin') ? ['admin'] : [] },
      };
    },
  };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Errors that cannot go back to the client (unknown client_id, unregistered redirect_uri, ...).
async function renderError(ctx, out) {
  ctx.type = 'html';
  const rows = Object.entries(out)
    .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
    .join('\n');
  ctx.body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>oidc-provider error</title></head>
<body><h1>oidc-provider error</h1>
${rows}
</body></html>`;
}

const clientDefaults = {
  client_secret: CLIENT_SECRET,
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
};

const configuration = {
  clients: [
    { ...clientDefaults, client_id: 'luckyplans', token_endpoint_auth_method: 'client_secret_basic' },
    { ...clientDefaults, client_id: 'luckyplans-post', token_endpoint_auth_method: 'client_secret_post' },
  ],
  findAccount,
  // realm_access rides on the openid scope, as Keycloak's roles do.
  claims: {
    openid: ['sub', 'realm_access'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  scopes: ['openid', 'email', 'profile'],
  // Put the scope's claims in the ID token itself, not only behind the userinfo endpoint.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: 3600,
    Interaction: 600,
    Session: 3600,
  },
  renderError,
  jwks: { keys: [signingKey()] },
  cookies: {
    keys: [randomBytes(32).toString('base64url')],
    // SameSite=None without Secure is refused by browsers on plain http; the tests stay same-site.
    long: { httpOnly: true, sameSite: 'lax' },
  },
};

function isLocalHost(hostname) {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname.endsWith('.localhost');
}

// The same URI with the port left out, or null when it is not a local http URI.
function withoutPort(uri) {
  let url;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !isLocalHost(url.hostname)) return null;
  url.port = '';
  return url.href;
}

function createProvider(issuer) {
  const provider = new Provider(issuer, configuration);

  if (anyPort) {
    const { prototype } = provider.Client;
    const exactMatch = prototype.redirectUriAllowed;
    prototype.redirectUriAllowed = function redirectUriAllowed(value) {
      if (exactMatch.call(this, value)) return true;
      const requested = withoutPort(value);
      return requested !== null && this.redirectUris.some((uri) => withoutPort(uri) === requested);
    };
  }

  // The built-in pages pull a web font from a public CDN; the tests have no network, so drop it.
  provider.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === 'string' && ctx.response.is('html')) {
      ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);?/g, '');
    }
  });

  provider.on('server_error', (_ctx, err) => {
    console.error('oidc-provider server_error:', err);
  });

  return provider;
}

// Listen first, so that with OIDC_PORT=0 the issuer can name the port that was given.
const server = createServer();

server.on('error', (err) => {
  console.error(`oidc-provider failed to listen on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});

server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.on('request', createProvider(issuer).callback());
  console.log(`oidc-provider listening on ${issuer}`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => {
    console.error(`oidc-provider: forced exit after ${signal}`);
    process.exit(0);
  }, 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
