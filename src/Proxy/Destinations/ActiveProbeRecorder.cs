using System.Collections.Concurrent;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

/// <summary>
/// The time and result of each destination's last active health probe (HAProxy's <c>LastChk</c>), which YARP does not
/// keep: every active health policy is wrapped (<see cref="RecordingHealthPolicy"/>) and reports here.
/// </summary>
internal sealed class ActiveProbeRecorder(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<(string Cluster, string Destination), ActiveProbeResult> _last = new();

    public ActiveProbeResult? Find(string cluster, string destination) => _last.GetValueOrDefault((cluster, destination));

    public void Record(ClusterState cluster, IReadOnlyList<DestinationProbingResult> results)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var result in results)
        {
            var text = result.Response is { } response
                ? "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : result.Exception is { } ex ? $"{ex.GetType().Name}: {ex.GetBaseException().Message}" : "no answer";
            _last[(cluster.ClusterId, result.Destination.DestinationId)] =
                new ActiveProbeResult(now, text, result.Response?.IsSuccessStatusCode == true);
        }
    }

    /// <summary>Forgets destinations a configuration edit removed.</summary>
    public void Retain(IReadOnlySet<(string Cluster, string Destination)> live)
    {
        foreach (var key in _last.Keys)
        {
            if (!live.Contains(key))
            {
                _last.TryRemove(key, out _);
            }
        }
    }
}
