namespace EdgeProxy.Acme;

/// <summary>The body that creates a TXT record.</summary>
internal sealed record CloudflareTxtRecordRequest(string Type, string Name, string Content, int Ttl);
