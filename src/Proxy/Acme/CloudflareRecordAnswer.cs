namespace EdgeProxy.Acme;

/// <summary>The answer to creating or deleting a DNS record.</summary>
internal sealed record CloudflareRecordAnswer(bool Success, CloudflareApiError[]? Errors, CloudflareDnsRecord? Result);
