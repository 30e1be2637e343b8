namespace EdgeProxy.Tracing;

/// <summary>How spans reach the collector (OTLP's two transports).</summary>
internal enum TracingProtocol
{
    HttpProtobuf,
    Grpc,
}
