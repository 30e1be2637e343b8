using EdgeProxy.Destinations;
using EdgeProxy.Metrics;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>What the status page and <c>GET /destinations</c> call a destination, from its runtime state and YARP's health.</summary>
public sealed class DestinationStatusTests
{
    [Theory]
    [InlineData("Ready", DestinationHealth.Healthy, DestinationHealth.Unknown, true, "UP", null)]
    [InlineData("Ready", DestinationHealth.Unhealthy, DestinationHealth.Unknown, false, "DOWN", "active")]
    [InlineData("Ready", DestinationHealth.Unknown, DestinationHealth.Unhealthy, false, "DOWN", "passive")]
    [InlineData("Ready", DestinationHealth.Unhealthy, DestinationHealth.Unhealthy, false, "DOWN", "active+passive")]
    [InlineData("Drain", DestinationHealth.Unhealthy, DestinationHealth.Unknown, false, "DRAIN", null)]
    [InlineData("Maint", DestinationHealth.Healthy, DestinationHealth.Healthy, true, "MAINT", null)]
    public void An_operators_state_wins_over_health_and_down_names_the_check(
        string state, DestinationHealth active, DestinationHealth passive, bool available, string status, string? source)
    {
        var destination = new DestinationState("d0") { Health = { Active = active, Passive = passive } };

        var result = DestinationStatus.Of(Enum.Parse<RuntimeState>(state), destination, available);

        Assert.Equal(status, result.Status);
        Assert.Equal(source, result.HealthSource);
    }

    [Fact]
    public void A_drain_is_drained_once_nothing_is_in_flight()
    {
        var counters = new DestinationCounters();
        counters.RequestStarted();
        counters.RequestStarted();

        Assert.False(DestinationStatus.IsDrained(RuntimeState.Drain, counters));
        counters.RequestFinished(10, 20);
        Assert.False(DestinationStatus.IsDrained(RuntimeState.Drain, counters));
        counters.RequestFinished(0, 5);
        Assert.True(DestinationStatus.IsDrained(RuntimeState.Drain, counters));
        Assert.True(DestinationStatus.IsDrained(RuntimeState.Drain, null));
        Assert.False(DestinationStatus.IsDrained(RuntimeState.Maint, counters));
        Assert.False(DestinationStatus.IsDrained(RuntimeState.Ready, counters));
        Assert.Equal((10L, 25L, 2L), (counters.BytesIn, counters.BytesOut, counters.MaxInFlight));
    }
}
