namespace EdgeProxy.Acme;

/// <summary>The answer to a zone lookup by name.</summary>
internal sealed record CloudflareZonesAnswer(bool Success, CloudflareApiError[]? Errors, CloudflareZone[]? Result);
