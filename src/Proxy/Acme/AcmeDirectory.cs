namespace EdgeProxy.Acme;

/// <summary>The CA's directory: the URLs of its resources (RFC 8555 §7.1.1).</summary>
internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder, AcmeDirectoryMeta? Meta);
