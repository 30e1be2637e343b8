using System.Diagnostics;
using Microsoft.AspNetCore.Routing;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Tracing;

/// <summary>
/// One server span per request, ours rather than ASP.NET Core's hosting Activity (which stays off: it costs a log scope
/// and diagnostics events on every request whether traced or not). Placed after the client-IP middleware, so
/// <c>client.address</c> is the restored client. The parent is the request's <c>traceparent</c>; YARP's forwarder span
/// is its child, and HttpClient sends the backend a <c>traceparent</c> of this trace. Added to the pipeline only when
/// tracing is enabled.
/// </summary>
internal sealed class ServerSpanMiddleware(RequestDelegate next)
{
    public const string SourceName = "EdgeProxy";

    internal const int MaxTraceStateLength = 512;

    private static readonly ActivitySource Source = new(SourceName, typeof(ServerSpanMiddleware).Assembly.GetName().Version?.ToString());

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        // A tracestate beyond W3C's 512 characters is dropped: it would be copied onto every span and export of the trace.
        var traceState = headers.TraceState;
        ActivityContext.TryParse(headers.TraceParent, traceState.Count == 1 && traceState[0]!.Length <= MaxTraceStateLength ? traceState : default, isRemote: true, out var parent);
        // Null only while the tracer provider is not built yet (or was shut down): the request goes on untraced.
        var activity = Source.CreateActivity("HTTP server request", ActivityKind.Server, parent);
        return activity is null ? next(context) : InvokeWithSpanAsync(context, activity);
    }

    private async Task InvokeWithSpanAsync(HttpContext context, Activity activity)
    {
        if (context.Request.Headers.Baggage.Count > 0)
        {
            // HttpClient's propagator replaces the request's trace headers with this span's, baggage included, sampled or not.
            foreach (var (key, value) in DistributedContextPropagator.Current.ExtractBaggage(context.Request.Headers, ReadHeader) ?? [])
            {
                activity.AddBaggage(key, value);
            }
        }

        activity.Start();
        try
        {
            await next(context);
        }
        catch (Exception ex) when (activity.IsAllDataRequested)
        {
            activity.SetTag("error.type", ex.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            if (activity.IsAllDataRequested)
            {
                Enrich(activity, context);
            }

            activity.Dispose();
        }
    }

    private static void ReadHeader(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        var header = ((IHeaderDictionary)carrier!)[name];
        value = header.Count == 1 ? header[0] : null;
        values = header.Count > 1 ? header.ToArray().OfType<string>() : null;
    }

    /// <summary>HTTP server attributes of the OpenTelemetry semantic conventions, and YARP's names for route, cluster and destination.</summary>
    private static void Enrich(Activity activity, HttpContext context)
    {
        var request = context.Request;
        var method = HttpMethods.GetCanonicalizedValue(request.Method);
        var known = HttpMethods.IsGet(method) || HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method) ||
            HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsPatch(method) || HttpMethods.IsConnect(method) || HttpMethods.IsTrace(method);
        activity.SetTag("http.request.method", known ? method : "_OTHER");
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        activity.SetTag("network.protocol.version", ProtocolVersion(request.Protocol));
        activity.SetTag("client.address", context.Connection.RemoteIpAddress?.ToString());
        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);

        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        if (route is not null)
        {
            activity.SetTag("http.route", route);
        }

        activity.DisplayName = route is null ? (known ? method : "HTTP") : $"{(known ? method : "HTTP")} {route}";

        if (context.Features.Get<IReverseProxyFeature>() is { } proxy)
        {
            activity.SetTag("proxy.route_id", proxy.Route.Config.RouteId);
            activity.SetTag("proxy.cluster_id", proxy.Cluster?.Config.ClusterId);
            activity.SetTag("proxy.destination_id", proxy.ProxiedDestination?.DestinationId);
        }

        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            activity.SetTag("error.type", error.Error.ToString());
        }

        // A server span is an error for 5xx only (4xx are the client's).
        if (status >= 500 && activity.Status == ActivityStatusCode.Unset)
        {
            activity.SetTag("error.type", activity.GetTagItem("error.type") ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    private static string? ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/1.1" => "1.1",
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => null,
    };
}
