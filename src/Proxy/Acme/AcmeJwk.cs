namespace EdgeProxy.Acme;

/// <summary>The account's public key as a JWK (P-256).</summary>
internal sealed record AcmeJwk(string Crv, string Kty, string X, string Y);
