namespace EdgeProxy.Acme;

/// <summary>A flattened JWS, the body of every POST (RFC 8555 §6.2).</summary>
internal sealed record AcmeJwsMessage(string Protected, string Payload, string Signature);
