using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using EdgeProxy.Admin;
using EdgeProxy.Hosting;
using EdgeProxy.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using EdgeProxy.Common;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// The real proxy, in this process, on real loopback sockets: its configuration file in a temporary folder, listeners
/// on 127.0.0.1 with port 0, started exactly as <c>Program.cs</c> does.
/// </summary>
public sealed class ProxyUnderTest : IAdminEndpoint, IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly bool _ownsDirectory;
    private readonly WebApplication _app;

    private ProxyUnderTest(TempDirectory directory, bool ownsDirectory, string configPath, WebApplication app)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _app = app;
        ConfigPath = configPath;
        AdminUri = app.Services.GetRequiredService<AdminListener>().BaseUri;
        PublicUris = [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(a => new Uri(a)).Where(a => a.Authority != AdminUri.Authority)];
        HttpUri = PublicUris.FirstOrDefault(a => a.Scheme == "http");
        HttpsUri = PublicUris.FirstOrDefault(a => a.Scheme == "https");

        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = HttpUri };
        Https = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && ServedCertificateIsExpected(certificate) },
        })
        { BaseAddress = HttpsUri };
        Admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = AdminUri };
    }

    public string ConfigPath { get; }

    public string DataPath => _directory.File("data");

    /// <summary>Every bound listener but the admin one (the internal OCSP listener included when it runs).</summary>
    public IReadOnlyList<Uri> PublicUris { get; }

    public Uri? HttpUri { get; }

    public Uri? HttpsUri { get; }

    public Uri AdminUri { get; }

    public HttpClient Http { get; }

    /// <summary>Accepts only the certificate in <see cref="ExpectedCertificate"/> (by default the first-run certificate the proxy made).</summary>
    public HttpClient Https { get; }

    public HttpClient Admin { get; }

    public X509Certificate2? ExpectedCertificate { get; set; }

    public IServiceProvider Services => _app.Services;

    public static Task<ProxyUnderTest> StartAsync(JsonObject config, params string[] args) => StartAsync(config, null, args);

    public static async Task<ProxyUnderTest> StartAsync(JsonObject config, Action<IServiceCollection>? configureServices, params string[] args)
    {
        var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());
        return await StartAsync(directory, ownsDirectory: true, configPath, configureServices, args);
    }

    /// <summary>Starts on a configuration file in a folder the caller keeps (for restarts).</summary>
    public static Task<ProxyUnderTest> StartAsync(TempDirectory directory, string configPath, params string[] args) =>
        StartAsync(directory, ownsDirectory: false, configPath, null, args);

    /// <summary>Starts on a configuration file in a folder prepared by the caller (e.g. with files it names) and removed with the proxy.</summary>
    public static Task<ProxyUnderTest> StartInAsync(TempDirectory directory, string configPath, Action<IServiceCollection>? configureServices = null) =>
        StartAsync(directory, ownsDirectory: true, configPath, configureServices, []);

    private static async Task<ProxyUnderTest> StartAsync(TempDirectory directory, bool ownsDirectory, string configPath, Action<IServiceCollection>? configureServices, string[] args)
    {
        var command = EdgeProxyCommandLine.Parse(["--config", configPath, .. args], configFromEnvironment: null);
        var startup = await EdgeProxyApplication.PrepareAsync(command, ConfigFile.Read(command.ConfigPath), configureServices);
        if (startup.App is null)
        {
            throw new InvalidOperationException("proxy configuration rejected: " + string.Join("; ", startup.Errors));
        }

        await startup.App.StartAsync();
        var proxy = new ProxyUnderTest(directory, ownsDirectory, configPath, startup.App);
        var firstRun = Path.Combine(proxy.DataPath, FirstRunCertificate.FileName);
        if (File.Exists(firstRun))
        {
            proxy.ExpectedCertificate = X509CertificateLoader.LoadPkcs12FromFile(firstRun, null);
        }

        return proxy;
    }

    /// <summary>Rewrites the file in place (truncate, then write), as editors do.</summary>
    public Task EditInPlaceAsync(string content) => File.WriteAllTextAsync(ConfigPath, content);

    /// <summary>Writes a new file beside it and renames it over the old one, as deploy tools do.</summary>
    public async Task EditByRenameAsync(string content)
    {
        var temp = ConfigPath + ".new";
        await File.WriteAllTextAsync(temp, content);
        File.Move(temp, ConfigPath, overwrite: true);
    }

    /// <summary>An HTTP client whose connections come from <paramref name="localAddress"/> (Linux routes all of 127/8 to lo).</summary>
    public HttpClient HttpFrom(IPAddress localAddress, Uri? baseAddress = null) =>
        LoopbackClient.Create(localAddress, baseAddress ?? HttpUri!);

    public async Task<string> GetTextAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    private bool ServedCertificateIsExpected(X509Certificate certificate) =>
        ExpectedCertificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(ExpectedCertificate.RawData);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Https.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        ExpectedCertificate?.Dispose();
        if (_ownsDirectory)
        {
            _directory.Dispose();
        }
    }
}
