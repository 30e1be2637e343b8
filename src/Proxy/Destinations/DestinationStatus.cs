using EdgeProxy.Metrics;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>
/// A destination as HAProxy's stats page says it: <c>MAINT</c> or <c>DRAIN</c> when an operator said so, else
/// <c>DOWN</c> when a health check took it out (<see cref="HealthSource"/> says which), else <c>UP</c>.
/// </summary>
internal readonly record struct DestinationStatus(string Status, string? HealthSource)
{
    public static DestinationStatus Of(RuntimeState state, DestinationState destination, bool available) => state switch
    {
        RuntimeState.Maint => new("MAINT", null),
        RuntimeState.Drain => new("DRAIN", null),
        _ when available => new("UP", null),
        _ => new("DOWN", Source(destination.Health)),
    };

    /// <summary>A drained destination with nothing in flight: safe to stop.</summary>
    public static bool IsDrained(RuntimeState state, DestinationCounters? counters) => state == RuntimeState.Drain && (counters?.InFlight ?? 0) == 0;

    private static string Source(DestinationHealthState health) =>
        (health.Active == DestinationHealth.Unhealthy, health.Passive == DestinationHealth.Unhealthy) switch
        {
            (true, true) => "active+passive",
            (true, false) => "active",
            (false, true) => "passive",
            _ => "unavailable",
        };
}
