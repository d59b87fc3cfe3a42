// Makes the test keys once (they are committed; run again only to replace them):
//   node make-keys.mjs
// keys/provider.jwks.json  the provider's signing key (private JWK, RS256, kid "ave-test-1")
// keys/provider.pem        the same key as PKCS#8 PEM, for tests that sign tokens themselves
// keys/forger.pem          an unrelated RSA key, for tests that forge tokens
// Test keys only: they guard nothing.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';

mkdirSync('keys', { recursive: true });
const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = provider.privateKey.export({ format: 'jwk' });
writeFileSync(
  'keys/provider.jwks.json',
  `${JSON.stringify({ keys: [{ ...jwk, kid: 'ave-test-1', alg: 'RS256', use: 'sig' }] }, null, 2)}\n`,
);
writeFileSync('keys/provider.pem', provider.privateKey.export({ format: 'pem', type: 'pkcs8' }));
const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });
writeFileSync('keys/forger.pem', forger.privateKey.export({ format: 'pem', type: 'pkcs8' }));
