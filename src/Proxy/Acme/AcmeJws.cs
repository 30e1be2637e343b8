using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace EdgeProxy.Acme;

/// <summary>The account key's side of RFC 8555: its JWK, its RFC 7638 thumbprint, and ES256-signed JWS bodies (flattened JSON).</summary>
internal sealed class AcmeJws(ECDsa key)
{
    public ECDsa Key { get; } = key;

    public AcmeJwk Jwk { get; } = ToJwk(key);

    /// <summary>base64url(SHA-256) of the JWK's required members in lexicographic order, no whitespace (RFC 7638 §3).</summary>
    public string Thumbprint => ThumbprintOf(Jwk);

    public static AcmeJwk ToJwk(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new ArgumentException("the ACME account key must be a P-256 key (ES256)", nameof(key));
        }

        return new AcmeJwk("P-256", "EC", Base64Url(parameters.Q.X!), Base64Url(parameters.Q.Y!));
    }

    public static string ThumbprintOf(AcmeJwk jwk) =>
        ThumbprintOfCanonical($"{{\"crv\":\"{jwk.Crv}\",\"kty\":\"{jwk.Kty}\",\"x\":\"{jwk.X}\",\"y\":\"{jwk.Y}\"}}");

    /// <summary>An RSA JWK's thumbprint (RFC 7638's own example is one; certificate keys may be RSA).</summary>
    public static string ThumbprintOfRsa(string e, string n) => ThumbprintOfCanonical($"{{\"e\":\"{e}\",\"kty\":\"RSA\",\"n\":\"{n}\"}}");

    private static string ThumbprintOfCanonical(string json) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

    /// <summary>The key authorization of a challenge token (RFC 8555 §8.1).</summary>
    public string KeyAuthorization(string token) => $"{token}.{Thumbprint}";

    /// <summary>
    /// A signed request body. <paramref name="kid"/> null: the JWK goes in the header (newAccount); <paramref name="payload"/>
    /// null: an empty payload (POST-as-GET).
    /// </summary>
    public byte[] Sign(string url, string? nonce, string? kid, byte[]? payload)
    {
        var header = new AcmeProtectedHeader("ES256", kid is null ? Jwk : null, kid, nonce, url);
        var protectedPart = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header, AcmeJsonContext.Default.AcmeProtectedHeader));
        var payloadPart = payload is null ? "" : Base64Url(payload);
        var signature = Key.SignData(Encoding.ASCII.GetBytes($"{protectedPart}.{payloadPart}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return JsonSerializer.SerializeToUtf8Bytes(new AcmeJwsMessage(protectedPart, payloadPart, Base64Url(signature)), AcmeJsonContext.Default.AcmeJwsMessage);
    }

    private static readonly SearchValues<char> Base64UrlAlphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>Only base64url characters (RFC 4648 5, no padding), as a challenge token must be.</summary>
    public static bool IsBase64Url(string text) => !text.AsSpan().ContainsAnyExcept(Base64UrlAlphabet);

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
