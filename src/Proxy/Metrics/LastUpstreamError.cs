namespace EdgeProxy.Metrics;

/// <summary>What went wrong last on the way to a destination, and when.</summary>
internal sealed record LastUpstreamError(string Text, DateTimeOffset At);
