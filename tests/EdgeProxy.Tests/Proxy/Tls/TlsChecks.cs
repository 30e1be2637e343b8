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

    /// <summary>
    /// Issue 32: a client that sends one request, reads the response until the proxy closes, and reconnects with the
    /// session (<c>openssl s_time -reuse</c>) resumes. Without a close_notify before the TCP close OpenSSL 3 calls the
    /// end an "unexpected eof" and drops the session: 0 % resumed, where nginx and HAProxy resume ~100 %.
    /// </summary>
    public static async Task ResumesAfterOneResponse(int port, string protocol)
    {
        var result = await OpenSslCli.TimeAsync(port, $"-www / -reuse -{protocol} -time 1");
        var connections = result.Resumed + result.Full;
        Assert.True(connections >= 5, $"s_time made {connections} connections:\n{result.Output}");
        Assert.True(result.Resumed >= connections * 9 / 10, $"{result.Resumed} of {connections} {protocol} connections resumed after one response:\n{result.Output}");
    }

    /// <summary>The proxy ends a connection it closes with a TLS close_notify alert, as nginx and HAProxy do.</summary>
    public static async Task EndsWithCloseNotify(int port, string protocol)
    {
        var result = await OpenSslCli.ClientAsync(port, $"-{protocol} -ign_eof -msg", input: "GET / HTTP/1.0\r\n\r\n");
        Assert.Contains("HTTP/1.1 ", result.Output);
        Assert.Matches(@"<<< TLS 1\.[23], Alert \[length 0002\], warning close_notify", result.Output);
        Assert.DoesNotContain("unexpected eof", result.Output);
    }
}
