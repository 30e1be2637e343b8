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
        var id = OcspCodec.CertificateId.For(leaf, issuer);
        using var content = new ByteArrayContent(OcspCodec.EncodeRequest(id));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var client = new HttpClient();
        var response = await client.PostAsync(Pki.ResponderUri, content);
        var answer = OcspCodec.DecodeResponse(await response.Content.ReadAsByteArrayAsync(), id, out var error);
        Assert.True(answer is not null, error);
        return answer;
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
        Assert.Null(OcspCodec.DecodeResponse(new byte[] { 0x30, 0x03, 0x0a, 0x01, 0x03 }, id, out var error)); // tryLater
        Assert.Contains("TryLater", error);
        Assert.Null(OcspCodec.DecodeResponse(new byte[] { 0x01, 0x02 }, id, out error));
        Assert.Contains("malformed", error);
    }
}
