using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Common;
using EdgeProxy.Middleware;
using Yarp.ReverseProxy;

namespace EdgeProxy.Destinations;

/// <summary>
/// The runtime API on the admin listener: <c>GET /destinations</c> (every destination's state, as JSON) and
/// <c>POST /destinations/{cluster}/{destination}/drain|maint|ready</c> (the admin listener has checked the token).
/// </summary>
internal sealed class DestinationsEndpoint(IProxyStateLookup proxyState, DestinationStateStore store, DestinationsReport report)
{
    public const string Path = "/destinations";

    // Relaxed: the names in the messages read as written ('d7', not \u0027d7\u0027); the answer is never HTML.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task HandleAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (segments.Length == 1)
        {
            return read ? WriteAsync(context, 200, report.GetStatus()) : MethodNotAllowedAsync(context, "GET");
        }

        if (segments.Length != 4)
        {
            return WriteAsync(context, 404, Error("use GET /destinations or POST /destinations/{cluster}/{destination}/drain|maint|ready"));
        }

        // Kestrel has decoded the path already, all but %2F (which stays encoded so it cannot split a segment).
        var (requestedCluster, requestedDestination, action) = (Unescape(segments[1]), Unescape(segments[2]), segments[3]);
        if (!proxyState.TryGetCluster(requestedCluster, out var cluster))
        {
            return WriteAsync(context, 404, Error($"no cluster '{requestedCluster}' ({StrictConfigCheck.KnownNames(proxyState.GetClusters().Select(c => c.ClusterId))})"));
        }

        // YARP finds names whatever their case; the states are kept under YARP's own spelling, which its filter compares.
        var clusterId = cluster.ClusterId;
        var destinationId = cluster.Destinations.Keys.FirstOrDefault(id => string.Equals(id, requestedDestination, StringComparison.OrdinalIgnoreCase));
        if (destinationId is null)
        {
            return WriteAsync(context, 404, Error($"no destination '{requestedDestination}' in cluster '{clusterId}' ({StrictConfigCheck.KnownNames(cluster.Destinations.Keys)})"));
        }

        RuntimeState? state = action switch
        {
            "drain" => RuntimeState.Drain,
            "maint" => RuntimeState.Maint,
            "ready" => RuntimeState.Ready,
            _ => null,
        };
        if (state is null)
        {
            return WriteAsync(context, 404, Error($"no action '{action}' (known: drain, maint, ready)"));
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return MethodNotAllowedAsync(context, "POST");
        }

        var peer = context.Connection.RemoteIpAddress?.Unmapped().ToString() ?? "unknown";
        return SetAsync(context, clusterId, destinationId, state.Value, peer);
    }

    private async Task SetAsync(HttpContext context, string clusterId, string destinationId, RuntimeState state, string peer)
    {
        // On the thread pool: the store writes its file with an fsync, which must not hold up a socket event thread
        // (inline scheduling runs this request on one).
        var outcome = await Task.Run(() => store.Set(clusterId, destinationId, state, peer, () => proxyState.TryGetCluster(clusterId, out var now) && now.Destinations.ContainsKey(destinationId)));
        if (outcome is not var (previous, saved))
        {
            await WriteAsync(context, 404, Error($"no destination '{destinationId}' in cluster '{clusterId}' any more: a configuration edit removed it"));
            return;
        }

        await WriteAsync(context, 200, new JsonObject
        {
            ["cluster"] = clusterId,
            ["destination"] = destinationId,
            ["previous"] = DestinationStateStore.Label(previous),
            ["state"] = DestinationStateStore.Label(state),
            ["saved"] = saved,
        });
    }

    private static string Unescape(string segment) => segment.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static JsonObject Error(string text) => new() { ["error"] = text };

    private static Task MethodNotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return WriteAsync(context, 405, Error($"use {allow}"));
    }

    private static Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync(body.ToJsonString(JsonOptions) + "\n", context.RequestAborted);
    }
}
