namespace EdgeProxy.Middleware.AccessLog;

public sealed class AccessLogRecordOptions
{
    /// <summary>The request header whose value is recorded as <c>cf_ray</c>; null records none.</summary>
    public string? RayIdHeader { get; set; }
}
