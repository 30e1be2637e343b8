using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>
/// Let's Encrypt's test CA on loopback: <c>pebble-challtestsrv</c> as the DNS server (every name is 127.0.0.1, TXT
/// records set over its management API) and <c>pebble</c> with a TLS certificate made here, validating HTTP-01 and
/// TLS-ALPN-01 on the ports the proxy under test will listen on. Both processes are killed on dispose.
/// </summary>
public sealed class PebbleServer : IAsyncDisposable
{
    public const string Command = "pebble";

    private readonly TempDirectory _directory = new();
    private readonly List<Process> _processes = [];
    private int _nonceRejectPercent;
    private TimeSpan? _validity;

    private PebbleServer(int httpPort, int tlsPort)
    {
        HttpPort = httpPort;
        TlsPort = tlsPort;
    }

    /// <summary>The port pebble's VA connects to for HTTP-01 (the proxy's plain HTTP listener).</summary>
    public int HttpPort { get; }

    /// <summary>The port pebble's VA connects to for TLS-ALPN-01 (the proxy's HTTPS listener).</summary>
    public int TlsPort { get; }

    public int AcmePort { get; private set; }

    public int ManagementPort { get; private set; }

    public int DnsPort { get; private set; }

    public int ChallengeManagementPort { get; private set; }

    public string DirectoryUrl => $"https://127.0.0.1:{AcmePort}/dir";

    /// <summary>The CA file that signs pebble's own TLS certificate (for <c>DirectoryTrust</c>).</summary>
    public string TlsRootPath { get; private set; } = "";

    /// <summary>Trusts only pebble's own TLS root (its directory and management API).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <param name="nonceRejectPercent">Good nonces pebble refuses as bad (RFC 8555 §6.5 says retry): 0 unless a test wants them.</param>
    /// <param name="validity">The lifetime of the certificates pebble issues (null: its default, five years).</param>
    public static async Task<PebbleServer> StartAsync(int nonceRejectPercent = 0, TimeSpan? validity = null)
    {
        var pebble = new PebbleServer(FreePort.Next(), FreePort.Next()) { _nonceRejectPercent = nonceRejectPercent, _validity = validity };
        try
        {
            await pebble.StartProcessesAsync();
            return pebble;
        }
        catch
        {
            await pebble.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync()
    {
        var (leaf, rootPath) = TestCertificates.WriteChain(_directory.Path, "pebble-tls");
        TlsRootPath = rootPath;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(rootPath);
        Client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(roots, certificate, chain, errors) },
        })
        { Timeout = TimeSpan.FromSeconds(20) };

        AcmePort = FreePort.Next();
        ManagementPort = FreePort.Next();
        DnsPort = FreePort.Next();
        ChallengeManagementPort = FreePort.Next();
        var config = new JsonObject
        {
            ["pebble"] = new JsonObject
            {
                ["listenAddress"] = $"127.0.0.1:{AcmePort}",
                ["managementListenAddress"] = $"127.0.0.1:{ManagementPort}",
                ["certificate"] = leaf.CertificatePath,
                ["privateKey"] = leaf.KeyPath,
                ["httpPort"] = HttpPort,
                ["tlsPort"] = TlsPort,
                ["ocspResponderURL"] = "",
                ["externalAccountBindingRequired"] = false,
            },
        };
        if (_validity is { } validity)
        {
            config["pebble"]!["certificateValidityPeriod"] = (long)validity.TotalSeconds;
        }

        var configPath = _directory.File("pebble-config.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        Start("pebble-challtestsrv", ["-dns01", $"127.0.0.1:{DnsPort}", "-http01", "", "-https01", "", "-tlsalpn01", "",
            "-management", $"127.0.0.1:{ChallengeManagementPort}", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""], null);
        Start("pebble", ["-config", configPath, "-dnsserver", $"127.0.0.1:{DnsPort}"], new()
        {
            ["PEBBLE_VA_NOSLEEP"] = "1",
            ["PEBBLE_WFE_NONCEREJECT"] = _nonceRejectPercent.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Every order proves its names afresh, so every order exercises the challenge.
            ["PEBBLE_AUTHZREUSE"] = "0",
        });

        var up = await Eventually.HoldsAsync(async () =>
        {
            try
            {
                using var directory = await Client.GetAsync(DirectoryUrl);
                using var plain = new HttpClient();
                using var challenges = await plain.GetAsync($"http://127.0.0.1:{ChallengeManagementPort}/");
                return directory.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20));
        if (!up)
        {
            throw new InvalidOperationException("pebble did not answer its directory within 20 s");
        }
    }

    private void Start(string command, string[] arguments, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? [])
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        process.OutputDataReceived += (_, e) => Output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => Output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    /// <summary>Both processes' output (pebble logs each request and validation), for failure messages.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Pebble's issuing root (management <c>/roots/0</c>): what a browser would trust.</summary>
    public async Task<X509Certificate2> IssuingRootAsync()
    {
        var pem = await Client.GetStringAsync($"https://127.0.0.1:{ManagementPort}/roots/0");
        return X509Certificate2.CreateFromPem(pem);
    }

    /// <summary>Sets a TXT record in challtestsrv's DNS (what the Cloudflare stand-in calls).</summary>
    public async Task SetTxtAsync(string host, string value)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"http://127.0.0.1:{ChallengeManagementPort}/set-txt", new JsonObject { ["host"] = host, ["value"] = value });
        response.EnsureSuccessStatusCode();
    }

    public async Task ClearTxtAsync(string host)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"http://127.0.0.1:{ChallengeManagementPort}/clear-txt", new JsonObject { ["host"] = host });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Stops pebble alone (the CA goes down; DNS stays).</summary>
    public async Task StopCaAsync()
    {
        var pebble = _processes.Last();
        pebble.Kill(entireProcessTree: true);
        await pebble.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Chain to one of <paramref name="roots"/> only (the intermediates the server sent included), name checked.</summary>
    public static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var element in sent?.ChainElements.Skip(1) ?? [])
        {
            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }

        return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        Client?.Dispose();
        _directory.Dispose();
    }
}
