using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>One proxy process per TLS profile, with an RSA certificate so that every ECDHE-RSA suite is negotiable unless the policy forbids it.</summary>
public abstract class TlsProfileServer : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public ProxyServerProcess Server { get; private set; } = null!;

    public string Directory => _directory.Path;

    protected abstract JsonObject TlsSection();

    public async Task InitializeAsync()
    {
        var certificate = TestCertificates.WriteRsa(_directory.Path, "site");
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Kestrel"]!["Endpoints"]!["Https"]!["Certificate"] = new JsonObject { ["Path"] = certificate.CertificatePath, ["KeyPath"] = certificate.KeyPath };
        config["EdgeProxy"]!["Tls"] = TlsSection();
        Server = await ProxyServerProcess.StartAsync(config, _directory);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}

public sealed class IntermediateServer : TlsProfileServer
{
    protected override JsonObject TlsSection() => new(); // the default profile
}

public sealed class ModernServer : TlsProfileServer
{
    protected override JsonObject TlsSection() => new() { ["Profile"] = "Modern" };
}

public sealed class CustomServer : TlsProfileServer
{
    protected override JsonObject TlsSection() => new()
    {
        ["Profile"] = "Custom",
        ["Protocols"] = new JsonArray("Tls12", "Tls13"),
        ["CipherSuites"] = new JsonArray("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
    };
}
