namespace EdgeProxy.Bench;

/// <summary>One load run against one proxy; CPU and context switches are the proxy's own, per request.</summary>
public sealed record Measurement(string System, string Load, double RequestsPerSecond, double? P50Ms, double? P99Ms, double? MeanMs,
    double UserMicrosecondsPerRequest, double KernelMicrosecondsPerRequest, double ContextSwitchesPerRequest, double RssMegabytes);
