using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Acme;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>The account key's JWK, its RFC 7638 thumbprint and the ES256 JWS bodies, checked against published values.</summary>
public sealed class AcmeJwsTests
{
    // RFC 7638 §3.1: the RSA key of RFC 7517's example and its published thumbprint.
    private const string RfcModulus =
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    [Fact]
    public void The_thumbprint_of_rfc_7638s_example_key_is_the_published_one() =>
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", AcmeJws.ThumbprintOfRsa("AQAB", RfcModulus));

    [Fact]
    public void The_ec_thumbprint_hashes_crv_kty_x_y_in_that_order_without_whitespace()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = new AcmeJws(key);
        var q = key.ExportParameters(false).Q;
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{AcmeJws.Base64Url(q.X)}\",\"y\":\"{AcmeJws.Base64Url(q.Y)}\"}}";

        Assert.Equal(AcmeJws.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), jws.Thumbprint);
        Assert.Equal(43, jws.Thumbprint.Length);
        Assert.Equal($"tok.{jws.Thumbprint}", jws.KeyAuthorization("tok"));
    }

    [Fact]
    public void Another_curve_is_refused_for_the_account_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new AcmeJws(key));
    }

    [Fact]
    public void A_new_account_request_carries_the_jwk_and_a_later_one_the_kid_and_both_verify_with_the_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = new AcmeJws(key);

        var withJwk = JsonNode.Parse(jws.Sign("https://ca.example/new-account", "n1", kid: null, "{\"a\":1}"u8.ToArray()))!;
        var header = JsonNode.Parse(AcmeJws.FromBase64Url((string)withJwk["protected"]!))!;
        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal("n1", (string?)header["nonce"]);
        Assert.Equal("https://ca.example/new-account", (string?)header["url"]);
        Assert.Equal(jws.Jwk.X, (string?)header["jwk"]!["x"]);
        Assert.Null(header["kid"]);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(AcmeJws.FromBase64Url((string)withJwk["payload"]!)));
        Assert.True(Verifies(key, withJwk));

        var withKid = JsonNode.Parse(jws.Sign("https://ca.example/order/1", "n2", kid: "https://ca.example/acct/7", payload: null))!;
        header = JsonNode.Parse(AcmeJws.FromBase64Url((string)withKid["protected"]!))!;
        Assert.Equal("https://ca.example/acct/7", (string?)header["kid"]);
        Assert.Null(header["jwk"]);
        Assert.Equal("", (string?)withKid["payload"]); // POST-as-GET
        Assert.True(Verifies(key, withKid));
    }

    [Fact]
    public void A_tampered_body_does_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var body = JsonNode.Parse(new AcmeJws(key).Sign("https://ca.example/x", "n", "kid", "{}"u8.ToArray()))!;
        body["payload"] = AcmeJws.Base64Url("{\"b\":2}"u8);
        Assert.False(Verifies(key, body));
    }

    [Theory]
    [InlineData(new byte[] { }, "")]
    [InlineData(new byte[] { 0xfb }, "-w")]
    [InlineData(new byte[] { 0xff, 0xff }, "__8")]
    [InlineData(new byte[] { 1, 2, 3 }, "AQID")]
    public void Base64url_has_no_padding_and_the_url_alphabet(byte[] bytes, string expected)
    {
        Assert.Equal(expected, AcmeJws.Base64Url(bytes));
        Assert.Equal(bytes, AcmeJws.FromBase64Url(expected));
    }

    [Fact]
    public void The_signing_request_names_every_name_and_the_first_as_subject()
    {
        using var key = RSA.Create(2048);
        var csr = System.Security.Cryptography.X509Certificates.CertificateRequest.LoadSigningRequest(
            AcmeClient.CreateSigningRequest(["a.example.com", "*.b.example.com"], key), HashAlgorithmName.SHA256,
            System.Security.Cryptography.X509Certificates.CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=a.example.com", csr.SubjectName.Name);
        var names = csr.CertificateExtensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames();
        Assert.Equal(["a.example.com", "*.b.example.com"], names);
    }

    private static bool Verifies(ECDsa key, JsonNode body) =>
        key.VerifyData(Encoding.ASCII.GetBytes($"{(string)body["protected"]!}.{(string)body["payload"]!}"), AcmeJws.FromBase64Url((string)body["signature"]!),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    [Theory]
    [InlineData("evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA", true)]
    [InlineData("", true)]
    [InlineData("a+b/c=", false)]
    [InlineData("../../etc", false)]
    [InlineData("tok\nen", false)]
    public void Only_base64url_tokens_pass(string token, bool expected) => Assert.Equal(expected, AcmeJws.IsBase64Url(token));
}
