using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Ocsp;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Ocsp;

/// <summary>The OCSP request and response codec against a real responder (openssl ocsp).</summary>
public sealed class OcspCodecTests : OcspTestPkiFixture
{
    private async Task<OcspCodec.Answer?> AskAsync(X509Certificate2 leaf, X509Certificate2 issuer)
    {
        var (answer, error, invalid) = await TryAskAsync(leaf, issuer);
        Assert.True(answer is not null, error);
        Assert.False(invalid);
        return answer;
    }

    private async Task<(OcspCodec.Answer? Answer, string? Error, bool Invalid)> TryAskAsync(X509Certificate2 leaf, X509Certificate2 issuer)
    {
        var id = OcspCodec.CertificateId.For(leaf, issuer);
        using var content = new ByteArrayContent(OcspCodec.EncodeRequest(id));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var client = new HttpClient();
        var response = await client.PostAsync(Pki.ResponderUri, content);
        var answer = OcspCodec.DecodeResponse(await response.Content.ReadAsByteArrayAsync(), id, issuer, DateTimeOffset.UtcNow, out var error, out var invalid);
        return (answer, error, invalid);
    }

    private static X509Certificate2 IssuerOf(string chainPath)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(chainPath);
        return chain[1];
    }

    [Fact]
    public async Task A_good_certificate_and_then_a_revoked_one()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        var issuer = IssuerOf(leaf.CertificatePath);

        var good = await AskAsync(leaf.Certificate, issuer);
        Assert.Equal(OcspCodec.CertificateStatus.Good, good!.Status);
        Assert.True(good.ThisUpdate <= DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(good.NextUpdate > DateTimeOffset.UtcNow.AddHours(20));

        Pki.Revoke(leaf.Certificate);
        var revoked = await AskAsync(leaf.Certificate, issuer);
        Assert.Equal(OcspCodec.CertificateStatus.Revoked, revoked!.Status);
        Assert.NotNull(revoked.RevokedAt);
    }

    [Fact]
    public void A_request_round_trips_and_a_response_about_another_certificate_is_refused()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "a", "a.test");
        var other = Pki.IssueLeaf(Directory.Path, "b", "b.test");
        var issuer = IssuerOf(leaf.CertificatePath);
        var id = OcspCodec.CertificateId.For(leaf.Certificate, issuer);

        Assert.True(OcspCodec.DecodeRequest(OcspCodec.EncodeRequest(id)).Matches(id));
        Assert.False(OcspCodec.CertificateId.For(other.Certificate, issuer).Matches(id));
        Assert.Null(OcspCodec.DecodeResponse(new byte[] { 0x30, 0x03, 0x0a, 0x01, 0x03 }, id, issuer, DateTimeOffset.UtcNow, out var error, out var invalid)); // tryLater
        Assert.Contains("TryLater", error);
        Assert.False(invalid);
        Assert.Null(OcspCodec.DecodeResponse(new byte[] { 0x01, 0x02 }, id, issuer, DateTimeOffset.UtcNow, out error, out invalid));
        Assert.Contains("malformed", error);
    }

    [Fact]
    public async Task An_answer_signed_by_a_responder_the_issuer_delegated_to_is_believed()
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Signer = OcspSigner.Delegated;

        Assert.Equal(OcspCodec.CertificateStatus.Good, (await AskAsync(leaf.Certificate, IssuerOf(leaf.CertificatePath)))!.Status);
    }

    [Theory]
    [InlineData(OcspSigner.Stranger)]
    [InlineData(OcspSigner.DelegatedWithoutOcspSigning)]
    public async Task An_answer_signed_by_anyone_else_is_invalid(OcspSigner signer)
    {
        var leaf = Pki.IssueLeaf(Directory.Path, "site", "site.test");
        Pki.Signer = signer;

        var (answer, error, invalid) = await TryAskAsync(leaf.Certificate, IssuerOf(leaf.CertificatePath));

        Assert.Null(answer);
        Assert.True(invalid);
        Assert.Contains("signed neither by the certificate's issuer nor by a responder", error);
    }
}
