namespace EdgeProxy.Acme;

/// <summary>A DNS record as Cloudflare returns it (only its id is needed).</summary>
internal sealed record CloudflareDnsRecord(string Id);
