using System.Text.Json.Serialization;

namespace EdgeProxy.Acme;

/// <summary>Source-generated JSON for the parts of Cloudflare's v4 API the DNS-01 responder uses.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CloudflareZonesAnswer))]
[JsonSerializable(typeof(CloudflareRecordAnswer))]
[JsonSerializable(typeof(CloudflareTxtRecordRequest))]
internal sealed partial class CloudflareDnsJsonContext : JsonSerializerContext;
