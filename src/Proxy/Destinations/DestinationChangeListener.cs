using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>A configuration edit that removes a destination (or its cluster) removes its runtime state too.</summary>
internal sealed class DestinationChangeListener(DestinationStateStore store) : IClusterChangeListener
{
    public void OnClusterAdded(ClusterState cluster) => Retain(cluster);

    public void OnClusterChanged(ClusterState cluster) => Retain(cluster);

    public void OnClusterRemoved(ClusterState cluster) => store.RetainDestinations(cluster.ClusterId, new HashSet<string>());

    private void Retain(ClusterState cluster) => store.RetainDestinations(cluster.ClusterId, cluster.Destinations.Keys.ToHashSet(StringComparer.Ordinal));
}
