namespace EdgeProxy.Acme;

/// <summary>The directory's metadata: the terms of service the account accepts.</summary>
internal sealed record AcmeDirectoryMeta(string? TermsOfService);
