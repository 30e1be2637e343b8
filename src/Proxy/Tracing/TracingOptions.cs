namespace EdgeProxy.Tracing;

/// <summary>
/// <c>EdgeProxy:Tracing</c>: OpenTelemetry spans for proxied requests, exported over OTLP. Off by default; read at start.
/// </summary>
internal sealed class TracingOptions
{
    public const string SectionName = "EdgeProxy:Tracing";

    public bool Enabled { get; set; }

    /// <summary>
    /// The collector's base URL, as in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (e.g. <c>http://collector:4318</c>): spans go to
    /// <c>{OtlpEndpoint}/v1/traces</c> with <see cref="TracingProtocol.HttpProtobuf"/>, to the URL itself with gRPC.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    public TracingProtocol Protocol { get; set; } = TracingProtocol.HttpProtobuf;

    /// <summary>The share of new traces recorded (0 to 1); a request whose <c>traceparent</c> is sampled is always recorded.</summary>
    public double SampleRatio { get; set; } = 0.01;

    public string ServiceName { get; set; } = "edgeproxy";

    /// <summary>Sent with every export (a vendor's API key).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where OTLP/HTTP spans are posted, or the gRPC endpoint itself.</summary>
    public Uri ExportUri()
    {
        var endpoint = new Uri(OtlpEndpoint!, UriKind.Absolute);
        return Protocol == TracingProtocol.Grpc ? endpoint : new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/v1/traces");
    }
}
