using System.Text.Json.Serialization;

namespace EdgeProxy.Acme;

// The parts of Cloudflare's v4 API (zones, dns_records) the DNS-01 responder uses.

internal sealed record CloudflareApiError(int Code, string? Message);

internal sealed record CloudflareZone(string Id, string Name);

internal sealed record CloudflareDnsRecord(string Id);

internal sealed record CloudflareZonesAnswer(bool Success, CloudflareApiError[]? Errors, CloudflareZone[]? Result);

internal sealed record CloudflareRecordAnswer(bool Success, CloudflareApiError[]? Errors, CloudflareDnsRecord? Result);

internal sealed record CloudflareTxtRecordRequest(string Type, string Name, string Content, int Ttl);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CloudflareZonesAnswer))]
[JsonSerializable(typeof(CloudflareRecordAnswer))]
[JsonSerializable(typeof(CloudflareTxtRecordRequest))]
internal sealed partial class CloudflareDnsJsonContext : JsonSerializerContext;
