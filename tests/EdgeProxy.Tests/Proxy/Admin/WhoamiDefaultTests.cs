using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Admin;

/// <summary>The shipped appsettings.json: a first run answers with the whoami echo and needs no other process.</summary>
public sealed class WhoamiDefaultTests
{
    private static string ShippedConfig()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeProxy.sln")))
            {
                return Path.Combine(dir.FullName, "appsettings.json");
            }
        }

        throw new FileNotFoundException("repository root not found");
    }

    [Fact]
    public async Task The_shipped_configuration_routes_everything_to_the_whoami_echo_over_https()
    {
        using var directory = new TempDirectory();
        var configPath = directory.File("appsettings.json");
        File.Copy(ShippedConfig(), configPath);
        var adminPort = FreePort.Next();

        // Only the ports (the admin one moved off 9901: whoami follows it) and the range source change (through command-line overrides); everything else is the shipped file.
        await using var proxy = await ProxyUnderTest.StartAsync(directory, configPath,
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
            $"--EdgeProxy:Admin:Url=http://127.0.0.1:{adminPort}",
            "--EdgeProxy:Cloudflare:Sources:0=http://127.0.0.1:9/ips-v4"); // never the internet

        Assert.NotNull(proxy.ExpectedCertificate); // the self-signed first-run certificate was made and is served

        using var request = new HttpRequestMessage(HttpMethod.Post, "/some/path?x=1");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Add("X-Test", "hello");
        using var response = await proxy.Https.SendAsync(request);
        var echo = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("POST", (string?)echo["method"]);
        Assert.Equal("/whoami/some/path", (string?)echo["path"]);
        Assert.Equal("?x=1", (string?)echo["query"]);
        Assert.Equal("127.0.0.1", (string?)echo["remoteAddress"]);
        var headers = echo["headers"]!.AsObject();
        Assert.Equal("hello", (string?)headers["X-Test"]![0]);
        Assert.Equal("https", (string?)headers["X-Forwarded-Proto"]![0]);
        Assert.Equal("127.0.0.1", (string?)headers["X-Forwarded-For"]![0]);

        var text = await proxy.GetTextAsync(proxy.Https, "/plain");
        Assert.Contains("GET /whoami/plain HTTP/1.1", text);
    }
}
