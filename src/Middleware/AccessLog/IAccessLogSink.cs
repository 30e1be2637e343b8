namespace EdgeProxy.Middleware.AccessLog;

/// <summary>Where finished records go. <see cref="Write"/> runs on the request path: it must never block or throw.</summary>
public interface IAccessLogSink
{
    /// <summary>False: the middleware builds no record at all.</summary>
    bool Enabled { get; }

    void Write(AccessLogRecord record);
}

/// <summary>Adds what a later part of the pipeline knows (route, backend, error) once the request has finished.</summary>
public interface IAccessLogEnricher
{
    void Enrich(HttpContext context, AccessLogRecord record);
}
