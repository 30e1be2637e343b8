using System.Text.Json.Serialization;

namespace EdgeProxy.Acme;

// The RFC 8555 objects the client sends and reads: small records kept together, since none means anything alone.

internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder, AcmeDirectoryMeta? Meta);

internal sealed record AcmeDirectoryMeta(string? TermsOfService);

internal sealed record AcmeAccountRequest(bool TermsOfServiceAgreed, string[]? Contact);

internal sealed record AcmeIdentifier(string Type, string Value);

internal sealed record AcmeOrderRequest(AcmeIdentifier[] Identifiers);

internal sealed record AcmeOrder(string Status, AcmeIdentifier[]? Identifiers, string[] Authorizations, string Finalize, string? Certificate, AcmeProblem? Error);

internal sealed record AcmeAuthorization(string Status, AcmeIdentifier Identifier, AcmeChallenge[] Challenges, bool? Wildcard);

internal sealed record AcmeChallenge(string Type, string Url, string Status, string? Token, AcmeProblem? Error);

internal sealed record AcmeFinalizeRequest(string Csr);

internal sealed record AcmeProblem(string? Type, string? Detail, int? Status, AcmeProblem[]? Subproblems);

internal sealed record AcmeJwk(string Crv, string Kty, string X, string Y);

internal sealed record AcmeProtectedHeader(
    string Alg,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AcmeJwk? Jwk,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Nonce,
    string Url);

internal sealed record AcmeJwsMessage(string Protected, string Payload, string Signature);

internal sealed record AcmeEmpty;

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
[JsonSerializable(typeof(AcmeEmpty))]
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
