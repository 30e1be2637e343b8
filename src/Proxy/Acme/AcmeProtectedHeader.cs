using System.Text.Json.Serialization;

namespace EdgeProxy.Acme;

/// <summary>The JWS protected header: the JWK for newAccount, the account URL (kid) otherwise.</summary>
internal sealed record AcmeProtectedHeader(
    string Alg,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AcmeJwk? Jwk,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Nonce,
    string Url);
