using System.Collections.Concurrent;
using Yarp.ReverseProxy;

namespace EdgeProxy.Destinations;

/// <summary>
/// When each destination's status (<see cref="DestinationStatus"/>) last changed: looked at every second and on every
/// report, since health changes happen inside YARP without telling anyone. Since start for a status never changed.
/// </summary>
internal sealed class DestinationStatusClock(
    IProxyStateLookup proxyState, DestinationStateStore store, ActiveProbeRecorder probes, TimeProvider timeProvider) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<(string Cluster, string Destination), (string Status, DateTimeOffset Since)> _since = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        try
        {
            do
            {
                Observe();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: nothing to report.
        }
    }

    /// <summary>When <paramref name="status"/> began for the destination (now, if it just changed).</summary>
    public DateTimeOffset Since(string cluster, string destination, string status)
    {
        var now = timeProvider.GetUtcNow();
        return _since.AddOrUpdate((cluster, destination), (status, now), (_, seen) => seen.Status == status ? seen : (status, now)).Since;
    }

    public void Observe()
    {
        var live = new HashSet<(string, string)>();
        foreach (var cluster in proxyState.GetClusters())
        {
            var available = cluster.DestinationsState.AvailableDestinations;
            foreach (var destination in cluster.Destinations.Values)
            {
                live.Add((cluster.ClusterId, destination.DestinationId));
                var state = store.Find(cluster.ClusterId, destination.DestinationId)?.State ?? RuntimeState.Ready;
                Since(cluster.ClusterId, destination.DestinationId, DestinationStatus.Of(state, destination, available.Contains(destination)).Status);
            }
        }

        foreach (var key in _since.Keys)
        {
            if (!live.Contains(key))
            {
                _since.TryRemove(key, out _);
            }
        }

        probes.Retain(live);
    }
}
