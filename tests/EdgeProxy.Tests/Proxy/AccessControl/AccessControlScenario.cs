using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>
/// What the access-control tests share: 127.0.0.1 is a trusted peer (it states the client IP with
/// <c>CF-Connecting-IP</c>), 127.0.0.2 an untrusted one; route <c>admin</c> (<c>/admin/…</c>) names the policies, route
/// <c>all</c> serves everything else unprotected; the backend reports the headers it received.
/// </summary>
internal static class AccessControlScenario
{
    public static readonly IPAddress Trusted = IPAddress.Loopback;
    public static readonly IPAddress Untrusted = IPAddress.Parse("127.0.0.2");

    public static JsonObject Config(TestBackend backend, JsonObject? policies = null, JsonObject? rateLimits = null, string? policy = "p", string? rateLimit = null)
    {
        var config = TestConfig.SingleCluster(backend.Address);
        var edge = config["EdgeProxy"]!.AsObject();
        edge["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.1/32");
        if (policies is not null)
        {
            edge["AccessPolicies"] = policies;
        }

        if (rateLimits is not null)
        {
            edge["RateLimits"] = rateLimits;
        }

        var admin = new JsonObject { ["ClusterId"] = "main", ["Match"] = new JsonObject { ["Path"] = "/admin/{**rest}" } };
        if (policy is not null)
        {
            admin["AuthorizationPolicy"] = policy;
        }

        if (rateLimit is not null)
        {
            admin["RateLimiterPolicy"] = rateLimit;
        }

        config["ReverseProxy"]!["Routes"]!["admin"] = admin;
        return config;
    }

    public static JsonObject Policy(string[]? allow = null, string[]? deny = null, string? htpasswd = null, string satisfy = "All", int maxFailures = 10, bool forward = false)
    {
        var policy = new JsonObject
        {
            ["AllowFrom"] = new JsonArray([.. (allow ?? []).Select(a => (JsonNode?)a)]),
            ["DenyFrom"] = new JsonArray([.. (deny ?? []).Select(a => (JsonNode?)a)]),
            ["Satisfy"] = satisfy,
        };
        if (htpasswd is not null)
        {
            policy["BasicAuth"] = new JsonObject { ["Realm"] = "Munin", ["HtpasswdFile"] = htpasswd, ["MaxFailuresPerMinute"] = maxFailures, ["ForwardCredentials"] = forward };
        }

        return policy;
    }

    /// <summary>An htpasswd line in <c>{SHA}</c> format, made here (no tool needed).</summary>
    public static string ShaLine(string user, string password) =>
        $"{user}:{{SHA}}{Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(password)))}";

    /// <summary>Writes the htpasswd file beside the proxy's configuration file (its path is relative to it).</summary>
    public static Task WriteHtpasswdAsync(ProxyUnderTest proxy, string name, params string[] lines) =>
        File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, name), string.Join('\n', lines) + "\n");

    /// <summary>Starts the proxy with <paramref name="config"/> and, beside it, <c>users.htpasswd</c> holding <paramref name="htpasswdLines"/>.</summary>
    public static async Task<ProxyUnderTest> StartWithHtpasswdAsync(JsonObject config, params string[] htpasswdLines)
    {
        var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("users.htpasswd"), string.Join('\n', htpasswdLines) + "\n");
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyUnderTest.StartInAsync(directory, path);
    }

    /// <summary>Sends <c>GET path</c> from <paramref name="client"/>, claiming <paramref name="clientIp"/> in <c>CF-Connecting-IP</c>.</summary>
    public static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? clientIp = null, (string User, string Password)? credentials = null, Version? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Version = version ?? HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        if (clientIp is not null)
        {
            request.Headers.TryAddWithoutValidation("CF-Connecting-IP", clientIp);
        }

        if (credentials is { } c)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")));
        }

        return await client.SendAsync(request);
    }

    public static async Task<int> StatusAsync(HttpClient client, string path, string? clientIp = null, (string User, string Password)? credentials = null, Version? version = null)
    {
        using var response = await GetAsync(client, path, clientIp, credentials, version);
        return (int)response.StatusCode;
    }

    /// <summary>Runs a command (htpasswd, openssl) and returns its standard output.</summary>
    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
        return output.Trim();
    }
}
