using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ProxyProtocol;

/// <summary>The configured PROXY listeners as the connection middleware and <c>/status</c> use them: names, senders, counters.</summary>
internal sealed class ProxyProtocolListeners
{
    private readonly Dictionary<string, ProxyProtocolCounters> _counters;

    public ProxyProtocolListeners(IOptions<ProxyProtocolOptions> options)
    {
        var value = options.Value;
        HeaderTimeout = value.HeaderTimeout;
        TrustedSenderTexts = [.. value.TrustedSenders];
        // Validated at start: every entry parses.
        TrustedSenders = new TrustedNetworkSet(value.TrustedSenders
            .Select(text => CidrParser.TryParse(text, null, out var network, out _) ? network : null)
            .OfType<IPNetwork2>()
            .Select(network => new TrustedNetwork(network, ProxyProtocolOptions.SectionName + ":TrustedSenders")));
        _counters = value.Endpoints.Distinct(StringComparer.OrdinalIgnoreCase)
            .ToDictionary(name => name, _ => new ProxyProtocolCounters(), StringComparer.OrdinalIgnoreCase);
    }

    public TimeSpan HeaderTimeout { get; }

    public TrustedNetworkSet TrustedSenders { get; }

    public IReadOnlyList<string> TrustedSenderTexts { get; }

    /// <summary>The counters of a listed endpoint; null when <paramref name="endpoint"/> expects no header.</summary>
    public ProxyProtocolCounters? For(string endpoint) => _counters.GetValueOrDefault(endpoint);

    public IEnumerable<ProxyProtocolCounters> All => _counters.Values;
}
