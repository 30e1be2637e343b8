using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>One of YARP's active health policies, unchanged, with each probe round also reported to <see cref="ActiveProbeRecorder"/>.</summary>
internal sealed class RecordingHealthPolicy(IActiveHealthCheckPolicy inner, ActiveProbeRecorder recorder) : IActiveHealthCheckPolicy
{
    public string Name => inner.Name;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        recorder.Record(cluster, probingResults);
        inner.ProbingCompleted(cluster, probingResults);
    }
}
