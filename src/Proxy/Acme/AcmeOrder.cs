namespace EdgeProxy.Acme;

/// <summary>An order: its status, its authorizations, where to finalize and where the certificate is (RFC 8555 §7.1.3).</summary>
internal sealed record AcmeOrder(string Status, AcmeIdentifier[]? Identifiers, string[] Authorizations, string Finalize, string? Certificate, AcmeProblem? Error);
