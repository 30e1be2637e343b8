using EdgeProxy.Common;

namespace EdgeProxy.Ocsp;

/// <summary>
/// When each certificate's response is next fetched: at half its validity after a usable answer (well before it
/// lapses, leaving room for retries), and after a failure at the retry interval, doubling per failure up to an hour.
/// </summary>
internal sealed class OcspRefreshSchedule(TimeSpan retryInterval)
{
    public static readonly TimeSpan MaxRetry = TimeSpan.FromHours(1);

    /// <summary>RFC 6960 allows a response without nextUpdate; it is treated as valid for this long.</summary>
    private static readonly TimeSpan AssumedValidity = TimeSpan.FromHours(2);

    private readonly Dictionary<OcspCertificate, (DateTimeOffset Due, int Failures)> _entries = [];

    public DateTimeOffset? DueAt(OcspCertificate certificate) => _entries.TryGetValue(certificate, out var entry) ? entry.Due : null;

    /// <summary>The earliest due time, or <paramref name="latest"/> when nothing is due before it.</summary>
    public DateTimeOffset Next(DateTimeOffset latest) => _entries.Values.Select(e => e.Due).Append(latest).Min();

    public IReadOnlyList<OcspCertificate> Due(DateTimeOffset now) => [.. _entries.Where(e => e.Value.Due <= now).Select(e => e.Key)];

    public void Succeeded(OcspCertificate certificate, OcspCodec.Answer answer, DateTimeOffset now)
    {
        var lifetime = (answer.NextUpdate ?? answer.ThisUpdate + AssumedValidity) - answer.ThisUpdate;
        var due = answer.ThisUpdate + (lifetime / 2);
        _entries[certificate] = (due > now ? due : now + retryInterval, 0);
    }

    /// <summary>Forgets certificates no longer served (replaced by a renewal).</summary>
    public void Retain(IReadOnlyCollection<OcspCertificate> served)
    {
        foreach (var gone in _entries.Keys.Where(c => !served.Contains(c)).ToList())
        {
            _entries.Remove(gone);
        }
    }

    public void Failed(OcspCertificate certificate, DateTimeOffset now)
    {
        var failures = _entries.TryGetValue(certificate, out var previous) ? previous.Failures + 1 : 1;
        _entries[certificate] = (now + ExponentialBackoff.Delay(retryInterval, failures, MaxRetry), failures);
    }
}
