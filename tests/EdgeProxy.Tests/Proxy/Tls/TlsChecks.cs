using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>Assertions shared by the profile tests, each an <c>openssl s_client</c> run from outside.</summary>
internal static class TlsChecks
{
    public static async Task Refused(int port, string arguments)
    {
        var result = await OpenSslCli.ClientAsync(port, arguments);
        Assert.True(result.Negotiated is null, $"'{arguments}' was accepted: {result.Negotiated}\n{result.Output}");
    }

    public static async Task Accepted(ProxyServerProcess server, string arguments, string protocol, string cipher)
    {
        var result = await OpenSslCli.ClientAsync(server.HttpsPort, arguments);
        Assert.True(result.Negotiated == (protocol, cipher), $"'{arguments}' negotiated {result.Negotiated?.ToString() ?? "nothing"}, expected {protocol} {cipher}\n{result.Output}\nproxy:\n{server.Output}");
    }

    public static async Task ResumesTls12(int port)
    {
        var result = await OpenSslCli.ClientAsync(port, "-tls1_2 -reconnect");
        Assert.True(result.CountReused("TLSv1.2") >= 4, $"TLS 1.2 sessions were not resumed:\n{result.Output}");
    }

    public static async Task ResumesTls13(int port, string directory)
    {
        var session = Path.Combine(directory, $"tls13-{Guid.NewGuid():N}.pem");
        // Keep the first connection open briefly: TLS 1.3 tickets arrive after the handshake.
        await OpenSslCli.ClientAsync(port, $"-tls1_3 -sess_out {session}", holdOpen: TimeSpan.FromSeconds(1));
        Assert.True(File.Exists(session), "no TLS 1.3 session ticket was saved");
        var resumed = await OpenSslCli.ClientAsync(port, $"-tls1_3 -sess_in {session}");
        Assert.True(resumed.CountReused("TLSv1.3") == 1, $"the TLS 1.3 session was not resumed:\n{resumed.Output}");
    }
}
