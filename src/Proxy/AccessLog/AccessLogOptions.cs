namespace EdgeProxy.AccessLog;

public enum AccessLogFormat
{
    Json,
    Combined,
}

/// <summary><c>EdgeProxy:AccessLog</c>: whether requests are recorded, how, and to which targets.</summary>
internal sealed class AccessLogOptions
{
    public const string SectionName = "EdgeProxy:AccessLog";

    public bool Enabled { get; set; } = true;

    public AccessLogFormat Format { get; set; } = AccessLogFormat.Json;

    /// <summary>One record per line on standard output.</summary>
    public bool Console { get; set; } = true;

    /// <summary>A file to append to (relative to the configuration file); reopened when renamed away.</summary>
    public string? File { get; set; }

    /// <summary>Send records to <c>EdgeProxy:Syslog:Address</c>.</summary>
    public bool Syslog { get; set; }

    /// <summary>Records waiting per target before new ones are dropped (and counted).</summary>
    public int QueueSize { get; set; } = 10_000;

    /// <summary>The request header recorded as <c>cf_ray</c>.</summary>
    public string RayIdHeader { get; set; } = "CF-Ray";
}
