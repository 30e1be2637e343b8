using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>
/// A stand-in for Cloudflare's v4 DNS API on loopback: zone lookup by name, TXT records created and deleted (written
/// into pebble-challtestsrv's DNS), a Bearer token check answering 401 the way Cloudflare does.
/// </summary>
public sealed class FakeCloudflareDnsApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _nextId;

    private FakeCloudflareDnsApi(WebApplication app, Uri baseUri)
    {
        _app = app;
        ApiUrl = baseUri + "client/v4";
    }

    public string ApiUrl { get; }

    public string Token { get; init; } = "good-token";

    public string Zone { get; init; } = "example.net";

    /// <summary>Every request, "METHOD path?query".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Records that exist now: id → (name, content).</summary>
    public ConcurrentDictionary<string, (string Name, string Content)> Records { get; } = new();

    public int Created;

    public static async Task<FakeCloudflareDnsApi> StartAsync(PebbleServer pebble, string token = "good-token", string zone = "example.net")
    {
        FakeCloudflareDnsApi? api = null;
        var (app, baseUri) = await LoopbackApp.StartAsync(context => api!.HandleAsync(context, pebble));
        api = new FakeCloudflareDnsApi(app, baseUri) { Token = token, Zone = zone };
        return api;
    }

    private async Task HandleAsync(HttpContext context, PebbleServer pebble)
    {
        var request = context.Request;
        Requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await Answer(context, 401, false, null, [new JsonObject { ["code"] = 10000, ["message"] = "Authentication error" }]);
            return;
        }

        var path = request.Path.Value ?? "";
        if (HttpMethods.IsGet(request.Method) && path == "/client/v4/zones")
        {
            var name = request.Query["name"].ToString();
            var zones = new JsonArray();
            if (name == Zone)
            {
                zones.Add(new JsonObject { ["id"] = "zone-1", ["name"] = Zone });
            }

            await Answer(context, 200, true, zones, []);
            return;
        }

        if (HttpMethods.IsPost(request.Method) && path == "/client/v4/zones/zone-1/dns_records")
        {
            var body = (await JsonNode.ParseAsync(request.Body))!;
            var id = $"rec-{Interlocked.Increment(ref _nextId)}";
            var name = (string)body["name"]!;
            Assert.Equal("TXT", (string?)body["type"]);
            Records[id] = (name, (string)body["content"]!);
            Interlocked.Increment(ref Created);
            await pebble.SetTxtAsync(name + ".", (string)body["content"]!);
            await Answer(context, 200, true, new JsonObject { ["id"] = id }, []);
            return;
        }

        if (HttpMethods.IsDelete(request.Method) && path.StartsWith("/client/v4/zones/zone-1/dns_records/", StringComparison.Ordinal))
        {
            var id = path[(path.LastIndexOf('/') + 1)..];
            if (Records.TryRemove(id, out var record))
            {
                await pebble.ClearTxtAsync(record.Name + ".");
                await Answer(context, 200, true, new JsonObject { ["id"] = id }, []);
                return;
            }
        }

        await Answer(context, 404, false, null, [new JsonObject { ["code"] = 7003, ["message"] = "Could not route" }]);
    }

    private static Task Answer(HttpContext context, int status, bool success, JsonNode? result, JsonArray errors)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(new JsonObject { ["success"] = success, ["errors"] = errors, ["messages"] = new JsonArray(), ["result"] = result }.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
