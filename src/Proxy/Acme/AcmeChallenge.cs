namespace EdgeProxy.Acme;

/// <summary>One way to prove an identifier, with its token (RFC 8555 §7.1.5).</summary>
internal sealed record AcmeChallenge(string Type, string Url, string Status, string? Token, AcmeProblem? Error);
