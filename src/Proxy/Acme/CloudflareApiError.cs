namespace EdgeProxy.Acme;

/// <summary>One entry of an answer's <c>errors</c>.</summary>
internal sealed record CloudflareApiError(int Code, string? Message);
