namespace EdgeProxy.Acme;

/// <summary>An authorization: one identifier and the challenges that can prove it (RFC 8555 §7.1.4).</summary>
internal sealed record AcmeAuthorization(string Status, AcmeIdentifier Identifier, AcmeChallenge[] Challenges, bool? Wildcard);
