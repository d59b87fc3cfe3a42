// A real OpenID Connect provider (oidc-provider) for the server's sign-on tests. Never for
// production: it accepts any login name with any password (devInteractions) and its keys
// are committed.
//
//   node provider.mjs CALLBACK_URL AUDIENCE
//
// Listens on a free port on 127.0.0.1 and prints one line, `issuer http://127.0.0.1:PORT`,
// once it answers. It has:
// - client `ave-regie` (secret `ave-regie-geheim`): authorization code flow with PKCE, back to
//   CALLBACK_URL; the ID token carries `ave_persoon`, `organisatie`, `functies` and `name`;
// - client `ave-koppeling` (secret `ave-koppeling-geheim`): client_credentials, JWT access
//   tokens (RS256) for the resource AUDIENCE (or `urn:ave:ander`, for a wrong audience),
//   carrying `ave_persoon: koppeling-1`, `organisatie: gemeente-oss`, `functies`.
// An account's claims: the login name is the person; organisation `gemeente-oss`, function
// `consulent` (the directory decides for people it knows).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import Provider, { errors } from 'oidc-provider';

const [callback, audience] = process.argv.slice(2);
if (!callback || !audience) {
  console.error('gebruik: node provider.mjs CALLBACK_URL AUDIENCE');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const jwks = JSON.parse(readFileSync(join(here, 'keys', 'provider.jwks.json'), 'utf8'));
const OTHER_AUDIENCE = 'urn:ave:ander';

const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'ave-regie',
      client_secret: 'ave-regie-geheim',
      redirect_uris: [callback],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'ave-koppeling',
      client_secret: 'ave-koppeling-geheim',
      redirect_uris: [],
      response_types: [],
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api',
    },
  ],
  jwks,
  cookies: { keys: ['alleen-voor-tests'] },
  scopes: ['openid', 'api'],
  claims: { openid: ['sub', 'ave_persoon', 'organisatie', 'functies', 'name'] },
  // Claims in the ID token itself, as the server reads them there.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          ave_persoon: id,
          organisatie: 'gemeente-oss',
          functies: ['consulent'],
          name: `Test ${id}`,
        };
      },
    };
  },
  async extraTokenClaims(_ctx, token) {
    if (token.clientId !== 'ave-koppeling') return undefined;
    return { ave_persoon: 'koppeling-1', organisatie: 'gemeente-oss', functies: ['consulent'] };
  },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, resource) {
        if (resource !== audience && resource !== OTHER_AUDIENCE) throw new errors.InvalidTarget();
        return {
          scope: 'api',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
});
provider.on('server_error', (_ctx, err) => { console.error('server_error', err); });
server.on('request', provider.callback());
console.log(`issuer ${issuer}`);
// Standard output carries only that line (the test may stop reading it); the provider's own
// notices go to standard error.
console.log = console.info = console.warn = console.error;

const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Ends with the test that started it: when its standard input closes.
process.stdin.on('end', stop);
process.stdin.resume();
