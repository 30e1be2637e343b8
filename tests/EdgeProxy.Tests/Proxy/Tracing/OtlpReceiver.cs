using System.Collections.Concurrent;
using System.Net;
using EdgeProxy.Tests.Proxy.Tracing.Otlp;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Proxy.Tracing;

/// <summary>One span as the collector received it: ids in lowercase hex, attributes as text.</summary>
public sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, string Scope,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource)
{
    public const int ServerKind = 2;

    public const int ClientKind = 3;
}

/// <summary>
/// A small OTLP collector on 127.0.0.1 (Kestrel, port 0): <c>POST /v1/traces</c> (OTLP/HTTP, protobuf) on one
/// listener, the gRPC <c>TraceService/Export</c> on another (h2c). Keeps every span and the headers of the last export.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;

    /// <summary>The OTLP/HTTP base URL (what <c>OtlpEndpoint</c> names), e.g. <c>http://127.0.0.1:4318</c>.</summary>
    public string HttpEndpoint { get; private set; } = "";

    /// <summary>The gRPC endpoint.</summary>
    public string GrpcEndpoint { get; private set; } = "";

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public IHeaderDictionary? LastHeaders { get; private set; }

    public int Exports { get; private set; }

    /// <summary>Exports that have reached the receiver (including those it holds).</summary>
    public int ExportsStarted => _started;

    /// <summary>A collector that takes requests and never answers (until disposed): the exporter's worst case.</summary>
    public bool Hang { get; init; }

    private int _started;

    public IEnumerable<ReceivedSpan> OfTrace(string traceId) => _spans.Where(s => s.TraceId == traceId);

    public static async Task<OtlpReceiver> StartAsync(bool hang = false)
    {
        var receiver = new OtlpReceiver { Hang = hang };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(receiver);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapPost("/v1/traces", async context =>
        {
            Interlocked.Increment(ref receiver._started);
            if (receiver.Hang)
            {
                await receiver._released.Task;
                return;
            }

            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Receive(ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()), context.Request.Headers);
            context.Response.ContentType = "application/x-protobuf";
        });
        app.MapGrpcService<GrpcTraceService>();
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
        receiver._app = app;
        receiver.HttpEndpoint = addresses[0].TrimEnd('/');
        receiver.GrpcEndpoint = addresses[1].TrimEnd('/');
        return receiver;
    }

    private void Receive(ExportTraceServiceRequest request, IHeaderDictionary headers)
    {
        LastHeaders = new HeaderDictionary(headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = Text(resourceSpans.Resource?.Attributes ?? []);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    _spans.Enqueue(new ReceivedSpan(Convert.ToHexStringLower(span.TraceId.Span), Convert.ToHexStringLower(span.SpanId.Span),
                        Convert.ToHexStringLower(span.ParentSpanId.Span), span.Name, span.Kind, scopeSpans.Scope?.Name ?? "", Text(span.Attributes), resource));
                }
            }
        }

        Exports++;
    }

    private static Dictionary<string, string> Text(IEnumerable<KeyValue> attributes) => attributes.ToDictionary(a => a.Key, a => a.Value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => a.Value.StringValue,
        AnyValue.ValueOneofCase.IntValue => a.Value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => a.Value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.DoubleValue => a.Value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    });

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    internal sealed class GrpcTraceService(OtlpReceiver receiver) : TraceService.TraceServiceBase
    {
        public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
        {
            var headers = new HeaderDictionary();
            foreach (var entry in context.RequestHeaders)
            {
                headers[entry.Key] = entry.Value;
            }

            receiver.Receive(request, headers);
            return Task.FromResult(new ExportTraceServiceResponse());
        }
    }
}
