using EdgeProxy.Common;
using EdgeProxy.Metrics;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Edits outside the sections that apply live (listeners, TLS, client IP, admin…) take effect only at the next start:
/// they are reported as <c>restartRequired</c> in <c>/status</c> with the changed keys, by
/// <c>edgeproxy_config_restart_required</c> and a warning once per change — never as applied.
/// </summary>
internal sealed partial class RestartRequiredDetector(IEnumerable<ILiveConfigSection> liveSections, ProxyMetrics metrics, ILogger<RestartRequiredDetector> logger)
{
    /// <summary>The sections that apply while running (routes and clusters, and every live section); other keys need a restart.</summary>
    private readonly string[] _liveSections = [ProxyConfigLoader.SectionName, .. liveSections.SelectMany(s => s.SectionNames)];

    private IReadOnlyDictionary<string, string?> _atStart = new Dictionary<string, string?>();
    private string _lastWarned = "";
    private volatile IReadOnlyList<string> _changed = [];

    /// <summary>The keys whose value in the file differs from the running one (empty: nothing waits for a restart).</summary>
    public IReadOnlyList<string> ChangedKeys => _changed;

    public void RecordStart(ConfigFile file) => _atStart = NonLiveValues(file);

    /// <summary>Compares a valid edit of the file with what the process started with.</summary>
    public void Compare(ConfigFile file)
    {
        var now = NonLiveValues(file);
        var changed = now.Keys.Union(_atStart.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(key => !_atStart.TryGetValue(key, out var before) || !now.TryGetValue(key, out var after) || before != after)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        _changed = changed;
        metrics.ConfigRestartRequired.Set(changed.Count > 0 ? 1 : 0);
        var signature = string.Join('\n', changed);
        if (changed.Count > 0 && signature != _lastWarned)
        {
            LogRestartRequired(file.Path, string.Join(", ", changed));
        }

        _lastWarned = signature;
    }

    private Dictionary<string, string?> NonLiveValues(ConfigFile file) =>
        new ConfigurationBuilder().Add(new JsonBytesConfigurationSource(file.Content)).Build().AsEnumerable()
            .Where(pair => pair.Value is not null && !_liveSections.Any(section =>
                pair.Key.Equals(section, StringComparison.OrdinalIgnoreCase) || pair.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase)))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);

    [LoggerMessage(EventId = EventIds.ConfigRestartRequired, EventName = "ConfigRestartRequired", Level = LogLevel.Warning,
        Message = "{File}: these keys changed but apply only at the next start (check the file with --check before restarting): {Keys}")]
    private partial void LogRestartRequired(string file, string keys);
}
