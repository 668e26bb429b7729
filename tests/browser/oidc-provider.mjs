// A real OpenID provider for the browser tests: `oidc-provider` (the certified Node.js
// implementation) on 127.0.0.1 with one client, Samvirke, and its development log-in pages (any
// login name, no password). `tamper` makes the next token responses carry an ID token for another
// audience or with another nonce, signed with the provider's own key, so that the test sees
// Samvirke refuse a correctly signed token that is not meant for it.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';

// `claimsInIdToken: false` keeps the ID token to `sub` (OpenID Connect's default for the code
// flow): the e-mail address is then only at the userinfo endpoint.
export async function startProvider({ clientId, clientSecret, redirectUris, postLogoutRedirectUris = [], claimsInIdToken = true }) {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
    }],
    jwks: { keys: [jwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The login name is the e-mail address the provider vouches for.
    findAccount: (ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id, email_verified: true, name: id }),
    }),
    // With claimsInIdToken, the e-mail claim is in the ID token itself, as Entra ID gives it when
    // configured to; without, only at the userinfo endpoint.
    conformIdTokenClaims: !claimsInIdToken,
    pkce: { required: () => true },
    cookies: { keys: ['a test key for the provider cookies'] },
  });
  let tamper = null;
  provider.use(async (ctx, next) => {
    await next();
    if (tamper && ctx.path === '/token' && ctx.body?.id_token) {
      const claims = decodeJwt(ctx.body.id_token);
      if (tamper === 'audience') claims.aud = 'another-service';
      if (tamper === 'nonce') claims.nonce = 'a-nonce-samvirke-never-sent';
      const idToken = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(privateKey);
      ctx.body = { ...ctx.body, id_token: idToken };
    }
  });
  server.on('request', provider.callback());
  return {
    issuer,
    setTamper(mode) { tamper = mode; },
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
