using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>testssl.sh's verdict on protocols, ciphers, server defaults and headers of the default profile.</summary>
[Trait("Process", "Separate")]
public sealed class TestSslTests
{
    [RequiresCommandFact("testssl")]
    public async Task Testssl_finds_nothing_not_ok()
    {
        using var directory = new TempDirectory();
        await using var backend = await TestBackend.StartAsync("app");
        var (leaf, root) = TestCertificates.WriteChain(directory.Path, "site");
        var config = TestConfig.SingleCluster(backend.Address);
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = new JsonObject { ["Path"] = leaf.CertificatePath, ["KeyPath"] = leaf.KeyPath };
        await using var server = await ProxyServerProcess.StartAsync(config, directory);

        var start = new ProcessStartInfo("testssl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory.Path,
        };
        foreach (var argument in new[] { "--quiet", "--color", "0", "--nodns", "none", "--add-ca", root, "-p", "-S", "-h", $"https://127.0.0.1:{server.HttpsPort}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var report = await output + await errors;

        Assert.Contains("TLS 1.3    offered (OK)", report); // the scan really ran against the proxy
        Assert.Contains("Strict Transport Security    365 days", report);
        Assert.DoesNotContain("NOT ok", report);
    }
}
