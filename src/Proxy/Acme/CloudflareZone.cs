namespace EdgeProxy.Acme;

/// <summary>A zone: its id and name.</summary>
internal sealed record CloudflareZone(string Id, string Name);
