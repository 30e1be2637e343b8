namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>Custom: exactly the listed protocols and suites (here AES-256-GCM only, on TLS 1.2 and 1.3).</summary>
[Trait("Process", "Separate")]
public sealed class CustomProfileTests(CustomServer fixture) : IClassFixture<CustomServer>
{
    private int Port => fixture.Server.HttpsPort;

    [Theory]
    [InlineData("-tls1_1 -cipher DEFAULT@SECLEVEL=0")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-SHA256")]
    [InlineData("-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256")]
    public Task Refuses(string arguments) => TlsChecks.Refused(Port, arguments);

    [Theory]
    [InlineData("-tls1_2", "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384")]
    [InlineData("-tls1_3", "TLSv1.3", "TLS_AES_256_GCM_SHA384")]
    public Task Accepts(string arguments, string protocol, string cipher) => TlsChecks.Accepted(fixture.Server, arguments, protocol, cipher);

    [Fact]
    public Task Resumes_tls12_sessions() => TlsChecks.ResumesTls12(Port);

    [Fact]
    public Task Resumes_tls13_sessions() => TlsChecks.ResumesTls13(Port, fixture.Directory);
}
