using System.Text.Json.Nodes;
using EdgeProxy.Common;

namespace EdgeProxy.Connections;

/// <summary>The <c>connections</c> section of <c>/status</c>: public connections now, the limit, and what making room did.</summary>
internal sealed class ConnectionsStatusSection(IdleConnectionReclaimer reclaimer, StormMemoryRelease memoryRelease) : IStatusSection
{
    public string Name => "connections";

    public JsonObject GetStatus() => new()
    {
        ["current"] = reclaimer.Current,
        ["limit"] = reclaimer.Limit,
        ["reclaimed"] = reclaimer.Reclaimed,
        ["refused"] = reclaimer.Refused,
        ["maxPerUntrustedPeer"] = reclaimer.MaxPerUntrustedPeer,
        ["refusedPerUntrustedPeer"] = reclaimer.RefusedPerPeer,
        ["memoryReleases"] = memoryRelease.Releases,
        ["reclaimAboveMemory"] = reclaimer.ReclaimAboveMemory,
        ["reclaimedForMemory"] = reclaimer.ReclaimedForMemory,
        ["workingSet"] = reclaimer.WorkingSet,
    };
}
