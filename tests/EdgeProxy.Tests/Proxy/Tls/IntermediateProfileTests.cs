using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>The default profile: TLS 1.2 and 1.3, ECDHE with AEAD only, session resumption kept.</summary>
[Trait("Process", "Separate")]
public sealed class IntermediateProfileTests(IntermediateServer fixture) : IClassFixture<IntermediateServer>
{
    private int Port => fixture.Server.HttpsPort;

    [Theory]
    [InlineData("-tls1 -cipher DEFAULT@SECLEVEL=0")]
    [InlineData("-tls1_1 -cipher DEFAULT@SECLEVEL=0")]
    [InlineData("-tls1_2 -cipher AES128-SHA")] // static RSA, CBC
    [InlineData("-tls1_2 -cipher AES128-GCM-SHA256")] // static RSA, no forward secrecy
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-SHA256")] // CBC: .NET's default list on Linux accepts this one
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES256-SHA")]
    [InlineData("-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256")]
    [InlineData("-tls1_2 -cipher aNULL@SECLEVEL=0")]
    [InlineData("-tls1_3 -groups P-521")] // only X25519, P-256, P-384
    public Task Refuses(string arguments) => TlsChecks.Refused(Port, arguments);

    [Theory]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384", "TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305", "TLSv1.2", "ECDHE-RSA-CHACHA20-POLY1305")]
    [InlineData("-tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256", "TLSv1.3", "TLS_AES_128_GCM_SHA256")]
    [InlineData("-tls1_3 -ciphersuites TLS_AES_256_GCM_SHA384", "TLSv1.3", "TLS_AES_256_GCM_SHA384")]
    [InlineData("-tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256", "TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256")]
    public Task Accepts(string arguments, string protocol, string cipher) => TlsChecks.Accepted(fixture.Server, arguments, protocol, cipher);

    [Theory]
    [InlineData("X25519", "Server Temp Key: X25519")]
    [InlineData("P-256", "Server Temp Key: ECDH, prime256v1")]
    [InlineData("P-384", "Server Temp Key: ECDH, secp384r1")]
    public async Task Offers_the_key_exchange_groups(string group, string expected)
    {
        foreach (var protocol in new[] { "-tls1_2", "-tls1_3" })
        {
            var result = await OpenSslCli.ClientAsync(Port, $"{protocol} -groups {group}");
            Assert.Contains(expected, result.Output);
        }
    }

    [Fact]
    public async Task Status_shows_the_policy_and_how_it_is_enforced()
    {
        var status = (await fixture.Server.GetStatusAsync())["tls"]!;
        Assert.Equal("Intermediate", (string?)status["profile"]);
        Assert.StartsWith("OpenSSL system_default from ", (string?)status["enforcedBy"]);
        Assert.Equal(6, status["tls12Suites"]!.AsArray().Count);
    }

    [Fact]
    public Task Resumes_tls12_sessions() => TlsChecks.ResumesTls12(Port);

    [Fact]
    public Task Resumes_tls13_sessions() => TlsChecks.ResumesTls13(Port, fixture.Directory);

    [Fact]
    public Task Resumes_tls13_sessions_of_a_client_that_reads_one_response_and_closes() => TlsChecks.ResumesAfterOneResponse(Port, "tls1_3");

    [Fact]
    public Task Ends_tls13_connections_with_close_notify() => TlsChecks.EndsWithCloseNotify(Port, "tls1_3");

    [Fact]
    public Task Resumes_tls12_sessions_of_a_client_that_reads_one_response_and_closes() => TlsChecks.ResumesAfterOneResponse(Port, "tls1_2");

    [Fact]
    public Task Ends_tls12_connections_with_close_notify() => TlsChecks.EndsWithCloseNotify(Port, "tls1_2");
}
