using EdgeProxy.Ocsp;

namespace EdgeProxy.Tests.Proxy.Ocsp;

/// <summary>Decoding the TLS stack's GET requests (RFC 6960 appendix A.1: base64 DER after the responder's path).</summary>
public sealed class OcspProxyEndpointTests
{
    // Chosen so that its base64 holds '/' and '+', which a path must carry through.
    private static readonly OcspCodec.CertificateId Id = new(Enumerable.Repeat((byte)0xff, 20).ToArray(), Enumerable.Repeat((byte)0xfb, 20).ToArray(), [0x0f, 0xbf, 0xff]);

    private static string Base64Request => Convert.ToBase64String(OcspCodec.EncodeRequest(Id));

    [Theory]
    [InlineData("http://ocsp.test/")]
    [InlineData("http://ocsp.test")]
    [InlineData("http://ocsp.test/ca/ocsp")]
    public void A_get_request_decodes_to_the_certificate_it_asks_about(string responder)
    {
        Assert.Contains('/', Base64Request);
        var path = new Uri(responder).AbsolutePath.TrimEnd('/') + "/" + Base64Request;

        var request = OcspProxyEndpoint.DecodeGetPath(path, [responder]);

        Assert.True(OcspCodec.DecodeRequest(request).Matches(Id));
    }

    [Fact]
    public void Percent_escapes_are_undone_and_the_longest_responder_path_wins()
    {
        var path = "/ca/ocsp/" + Uri.EscapeDataString(Base64Request);

        var request = OcspProxyEndpoint.DecodeGetPath(path, ["http://other.test/ca", "http://ocsp.test/ca/ocsp"]);

        Assert.True(OcspCodec.DecodeRequest(request).Matches(Id));
    }

    [Theory]
    [InlineData("/ocsp/not*base64")]
    [InlineData("/")]
    [InlineData("")]
    public void Anything_else_decodes_to_nothing(string path) =>
        Assert.Empty(OcspProxyEndpoint.DecodeGetPath(path, ["http://ocsp.test/ocsp"]));
}
