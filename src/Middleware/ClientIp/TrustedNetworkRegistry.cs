namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// The live trusted set, made of named range sources (a CDN's refreshed ranges, the operator's own networks…), each
/// replaced whole by whoever keeps it. Every change builds a new <see cref="TrustedNetworkSet"/>, so readers take one
/// volatile read and never lock.
/// </summary>
public sealed class TrustedNetworkRegistry
{
    private readonly Lock _gate = new();
    private readonly List<(string Source, IReadOnlyList<IPNetwork2> Networks)> _sources = [];
    private volatile TrustedNetworkSet _current = TrustedNetworkSet.Empty;

    public TrustedNetworkSet Current => _current;

    /// <summary>Replaces the networks of <paramref name="source"/> (added on first use, in that order).</summary>
    public void Set(string source, IEnumerable<IPNetwork2> networks)
    {
        lock (_gate)
        {
            var index = _sources.FindIndex(s => s.Source == source);
            var entry = (source, (IReadOnlyList<IPNetwork2>)[.. networks]);
            if (index < 0)
            {
                _sources.Add(entry);
            }
            else
            {
                _sources[index] = entry;
            }

            _current = new TrustedNetworkSet(_sources.SelectMany(s => s.Networks.Select(n => new TrustedNetwork(n, s.Source))));
        }
    }
}
