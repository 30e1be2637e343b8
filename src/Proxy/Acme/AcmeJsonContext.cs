using System.Text.Json.Serialization;

namespace EdgeProxy.Acme;

/// <summary>Source-generated JSON for the RFC 8555 objects (no reflection: the native build serves it too).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(AcmeDirectory))]
[JsonSerializable(typeof(AcmeAccountRequest))]
[JsonSerializable(typeof(AcmeOrderRequest))]
[JsonSerializable(typeof(AcmeOrder))]
[JsonSerializable(typeof(AcmeAuthorization))]
[JsonSerializable(typeof(AcmeChallenge))]
[JsonSerializable(typeof(AcmeFinalizeRequest))]
[JsonSerializable(typeof(AcmeProblem))]
[JsonSerializable(typeof(AcmeProtectedHeader))]
[JsonSerializable(typeof(AcmeJwsMessage))]
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
