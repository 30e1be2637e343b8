using Yarp.ReverseProxy;

namespace EdgeProxy.Destinations;

/// <summary>
/// At start, forgets the saved states of clusters the configuration no longer has (a cluster's own destinations are
/// pruned as YARP applies it, see <see cref="DestinationChangeListener"/>).
/// </summary>
internal sealed class DestinationStatePruning(IProxyStateLookup proxyState, DestinationStateStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var clusters = proxyState.GetClusters().Select(c => c.ClusterId).ToHashSet(StringComparer.Ordinal);
        // None means YARP has not applied the configuration yet (a configuration without clusters is refused): keep all.
        if (clusters.Count > 0)
        {
            store.RetainClusters(clusters);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
