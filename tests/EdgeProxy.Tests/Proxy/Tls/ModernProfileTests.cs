namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>Modern: TLS 1.3 only.</summary>
[Trait("Process", "Separate")]
public sealed class ModernProfileTests(ModernServer fixture) : IClassFixture<ModernServer>
{
    private int Port => fixture.Server.HttpsPort;

    [Theory]
    [InlineData("-tls1 -cipher DEFAULT@SECLEVEL=0")]
    [InlineData("-tls1_1 -cipher DEFAULT@SECLEVEL=0")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305")]
    public Task Refuses(string arguments) => TlsChecks.Refused(Port, arguments);

    [Theory]
    [InlineData("-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256", "TLSv1.3", "TLS_AES_128_GCM_SHA256")]
    [InlineData("-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256", "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256")]
    public Task Accepts(string arguments, string protocol, string cipher) => TlsChecks.Accepted(fixture.Server, arguments, protocol, cipher);

    [Fact]
    public Task Resumes_tls13_sessions() => TlsChecks.ResumesTls13(Port, fixture.Directory);

    [Fact]
    public Task Resumes_tls13_sessions_of_a_client_that_reads_one_response_and_closes() => TlsChecks.ResumesAfterOneResponse(Port, "tls1_3");

    [Fact]
    public Task Ends_tls13_connections_with_close_notify() => TlsChecks.EndsWithCloseNotify(Port, "tls1_3");
}
