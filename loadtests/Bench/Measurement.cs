namespace EdgeProxy.Bench;

/// <summary>One load run against one proxy.</summary>
public sealed record Measurement(string System, string Load, double RequestsPerSecond, double? P50Ms, double? P99Ms, double? MeanMs, double CpuMicrosecondsPerRequest, double RssMegabytes);
