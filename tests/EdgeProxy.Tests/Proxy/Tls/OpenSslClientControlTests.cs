using System.Diagnostics;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>
/// Positive control for the refusal tests: against an <c>openssl s_server</c> that allows everything, each client
/// command used to prove a refusal does complete a handshake. Without this, a client that could not offer TLS 1.0
/// (Debian's OpenSSL policy forbids it) would make every "refused" test pass for the wrong reason.
/// </summary>
public sealed class OpenSslClientControlTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private Process _server = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var certificate = TestCertificates.WriteRsa(_directory.Path, "control");
        _port = FreePort.Next();
        var start = new ProcessStartInfo("openssl",
            $"s_server -accept 127.0.0.1:{_port} -cert {certificate.CertificatePath} -key {certificate.KeyPath} -cipher ALL:@SECLEVEL=0 -naccept 1000 -quiet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OPENSSL_CONF"] = "/dev/null";
        _server = Process.Start(start)!;
        _ = _server.StandardOutput.ReadToEndAsync();
        _ = _server.StandardError.ReadToEndAsync();
        Assert.True(await Eventually.HoldsAsync(async () => (await OpenSslCli.ClientAsync(_port, "-tls1_2")).Negotiated is not null, TimeSpan.FromSeconds(10)));
    }

    public Task DisposeAsync()
    {
        _server.Kill(entireProcessTree: true);
        _server.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("-tls1 -cipher DEFAULT@SECLEVEL=0", "TLSv1")]
    [InlineData("-tls1_1 -cipher DEFAULT@SECLEVEL=0", "TLSv1.1")]
    [InlineData("-tls1_2 -cipher AES128-SHA", "TLSv1.2")]
    [InlineData("-tls1_2 -cipher AES128-GCM-SHA256", "TLSv1.2")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES128-SHA256", "TLSv1.2")]
    [InlineData("-tls1_2 -cipher ECDHE-RSA-AES256-SHA", "TLSv1.2")]
    [InlineData("-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256", "TLSv1.2")]
    [InlineData("-tls1_2 -cipher aNULL@SECLEVEL=0", "TLSv1.2")]
    [InlineData("-tls1_3 -groups P-521", "TLSv1.3")]
    public async Task The_client_really_offers_what_the_refusal_tests_send(string arguments, string protocol)
    {
        var result = await OpenSslCli.ClientAsync(_port, arguments);
        Assert.True(result.Negotiated?.Protocol == protocol, $"control server did not accept '{arguments}':\n{result.Output}");
    }
}
