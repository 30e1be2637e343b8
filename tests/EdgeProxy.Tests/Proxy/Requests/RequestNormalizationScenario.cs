using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Protocols;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.Tests.Proxy.Requests;

/// <summary>
/// A protected route <c>/private/{**r}</c> and a protected host <c>admin.example.com</c> (policy <c>p</c>: only
/// 203.0.113.0/24, so the test's own address gets 403) beside an unprotected catch-all. Both clusters are backends that
/// read the path the way nginx does (slashes merged, percent-decoded), so a spelling that walks around the policy would
/// show as the public backend serving <c>/private/…</c>.
/// </summary>
internal sealed class RequestNormalizationScenario : IAsyncDisposable
{
    private readonly WebApplication _private;
    private readonly WebApplication _public;

    private RequestNormalizationScenario(WebApplication privateApp, WebApplication publicApp, ProxyUnderTest proxy, List<string> publicTargets)
    {
        _private = privateApp;
        _public = publicApp;
        Proxy = proxy;
        PublicTargets = publicTargets;
    }

    public ProxyUnderTest Proxy { get; }

    /// <summary>The raw targets the public backend received.</summary>
    public List<string> PublicTargets { get; }

    public static async Task<RequestNormalizationScenario> StartAsync(JsonObject? requests = null)
    {
        var publicTargets = new List<string>();
        var (privateApp, privateUri) = await LoopbackApp.StartAsync(c => Serve(c, "private", null));
        var (publicApp, publicUri) = await LoopbackApp.StartAsync(c => Serve(c, "public", publicTargets));
        var config = TestConfig.SingleCluster(publicUri.ToString());
        var edge = config["EdgeProxy"]!.AsObject();
        edge["AccessPolicies"] = new JsonObject { ["p"] = new JsonObject { ["AllowFrom"] = new JsonArray("203.0.113.0/24") } };
        edge["AccessLog"] = new JsonObject { ["Console"] = false, ["File"] = "access.log" };
        if (requests is not null)
        {
            edge["Requests"] = requests;
        }

        var proxy = config["ReverseProxy"]!.AsObject();
        proxy["Clusters"]!["private"] = new JsonObject { ["Destinations"] = TestConfig.Destinations(privateUri.ToString()) };
        proxy["Routes"]!["private"] = new JsonObject { ["ClusterId"] = "private", ["AuthorizationPolicy"] = "p", ["Match"] = new JsonObject { ["Path"] = "/private/{**r}" } };
        proxy["Routes"]!["admin"] = new JsonObject
        {
            ["ClusterId"] = "private",
            ["AuthorizationPolicy"] = "p",
            ["Match"] = new JsonObject { ["Path"] = "{**r}", ["Hosts"] = new JsonArray("admin.example.com") },
        };
        return new RequestNormalizationScenario(privateApp, publicApp, await ProxyUnderTest.StartAsync(config), publicTargets);
    }

    private static Task Serve(HttpContext context, string name, List<string>? targets)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (targets is not null)
        {
            lock (targets)
            {
                targets.Add(raw);
            }
        }

        return context.Response.WriteAsync($"backend={name} served={NginxPath(raw)} raw={raw} host={context.Request.Headers.Host}");
    }

    /// <summary>What nginx serves for a raw target: query dropped, percent-decoded, slashes merged.</summary>
    public static string NginxPath(string raw)
    {
        var path = Uri.UnescapeDataString(raw.Split('?')[0]);
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        return path;
    }

    public string AccessLogPath => Path.Combine(Path.GetDirectoryName(Proxy.ConfigPath)!, "access.log");

    /// <summary>HTTP/1.1 on a raw socket: the target goes out byte for byte.</summary>
    public async Task<(int Status, string Body)> Http11Async(string target, string host = "www.example.com", string method = "GET")
    {
        await using var raw = await RawHttp.ConnectAsync(Proxy.HttpUri!);
        await raw.SendAsync($"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        var response = await raw.ReadResponseAsync(bodyless: method == "HEAD");
        return (int.Parse(response.StatusLine.Split(' ')[1]), response.Body);
    }

    /// <summary>HTTP/2 over TLS: the path goes out as written (no client-side canonicalisation).</summary>
    public async Task<(int Status, string Body)> Http2Async(string target, string host = "www.example.com", string method = "GET")
    {
        var uri = new Uri(Proxy.HttpsUri!.GetLeftPart(UriPartial.Authority) + target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("Host", host);
        using var response = await Proxy.Https.SendAsync(request);
        Assert.Equal(HttpVersion.Version20, response.Version);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await _private.DisposeAsync();
        await _public.DisposeAsync();
    }
}
