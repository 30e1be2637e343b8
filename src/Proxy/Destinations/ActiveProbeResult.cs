namespace EdgeProxy.Destinations;

/// <summary>A destination's last active health probe: when, and what it got ("HTTP 200", "HTTP 503", "HttpRequestException: …").</summary>
internal sealed record ActiveProbeResult(DateTimeOffset At, string Result, bool Passed);
