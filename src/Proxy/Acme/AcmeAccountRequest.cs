namespace EdgeProxy.Acme;

/// <summary>The newAccount payload (RFC 8555 §7.3).</summary>
internal sealed record AcmeAccountRequest(bool TermsOfServiceAgreed, string[]? Contact);
