using System.Collections.Frozen;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Prometheus;

namespace EdgeProxy.Destinations;

/// <summary>
/// The runtime state of every destination an operator has changed (all others are ready), kept in
/// <see cref="RuntimeStateFile"/> across restarts and across configuration edits while the destination exists. The
/// request path reads one immutable snapshot (<see cref="OutOfService"/>); changes are rare and take a lock.
/// </summary>
internal sealed partial class DestinationStateStore
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> None = FrozenDictionary<string, FrozenSet<string>>.Empty;

    private readonly Lock _gate = new();
    private readonly RuntimeStateFile _file;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DestinationStateStore> _logger;
    private readonly Counter _changes;
    private readonly Dictionary<(string Cluster, string Destination), RuntimeStateEntry> _states;
    private volatile FrozenDictionary<string, FrozenSet<string>> _outOfService = None;

    public DestinationStateStore(RuntimeStateFile file, ProxyMetrics metrics, TimeProvider timeProvider, ILogger<DestinationStateStore> logger)
    {
        _file = file;
        _timeProvider = timeProvider;
        _logger = logger;
        _changes = metrics.Factory.CreateCounter("edgeproxy_destination_state_changes_total",
            "Runtime state changes of destinations made through the admin listener, by the state set (ready, drain, maint).", ["state"]);
        foreach (var state in Enum.GetValues<RuntimeState>())
        {
            _changes.WithLabels(Label(state));
        }

        try
        {
            _states = file.Load();
            foreach (var ((cluster, destination), entry) in _states)
            {
                LogRestored(cluster, destination, Label(entry.State), file.Path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // Starting matters more than a lost drain: the operator sees the error and sets the states again.
            LogUnreadable(file.Path, ex.Message);
            _states = [];
        }

        Publish();
    }

    /// <summary>Per cluster, the destinations that take no new requests (drain or maint); empty when all are ready.</summary>
    public FrozenDictionary<string, FrozenSet<string>> OutOfService => _outOfService;

    public string FilePath => _file.Path;

    public static string Label(RuntimeState state) => state switch
    {
        RuntimeState.Drain => "drain",
        RuntimeState.Maint => "maint",
        _ => "ready",
    };

    public RuntimeStateEntry? Find(string cluster, string destination)
    {
        lock (_gate)
        {
            return _states.GetValueOrDefault((cluster, destination));
        }
    }

    /// <summary>Sets a destination's state, saves the file, logs and counts the change.</summary>
    /// <param name="exists">
    /// Whether the destination still exists, asked under the lock that a configuration edit's forgetting also takes: a
    /// write racing an edit that removes the destination is refused instead of leaving a state behind for the name.
    /// </param>
    /// <returns>The previous state and whether the file was written; null when the destination is gone.</returns>
    public (RuntimeState Previous, bool Saved)? Set(string cluster, string destination, RuntimeState state, string who, Func<bool> exists)
    {
        lock (_gate)
        {
            if (!exists())
            {
                return null;
            }

            var previous = _states.GetValueOrDefault((cluster, destination))?.State ?? RuntimeState.Ready;
            _states[(cluster, destination)] = new RuntimeStateEntry(state, _timeProvider.GetUtcNow(), who);
            Publish();
            var saved = Save();
            _changes.WithLabels(Label(state)).Inc();
            LogChanged(cluster, destination, Label(previous), Label(state), who);
            return (previous, saved);
        }
    }

    /// <summary>Forgets the states of <paramref name="cluster"/>'s destinations that a configuration edit removed.</summary>
    public void RetainDestinations(string cluster, IReadOnlySet<string> live) => Forget(k => k.Cluster == cluster && !live.Contains(k.Destination));

    /// <summary>Forgets the states of every cluster not in <paramref name="live"/>.</summary>
    public void RetainClusters(IReadOnlySet<string> live) => Forget(k => !live.Contains(k.Cluster));

    private void Forget(Func<(string Cluster, string Destination), bool> gone)
    {
        lock (_gate)
        {
            var keys = _states.Keys.Where(gone).ToList();
            if (keys.Count == 0)
            {
                return;
            }

            foreach (var key in keys)
            {
                var entry = _states[key];
                _states.Remove(key);
                if (entry.State != RuntimeState.Ready)
                {
                    LogForgotten(key.Cluster, key.Destination, Label(entry.State));
                }
            }

            Publish();
            Save();
        }
    }

    private void Publish() =>
        _outOfService = _states.Where(s => s.Value.State != RuntimeState.Ready).GroupBy(s => s.Key.Cluster, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(s => s.Key.Destination).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);

    private bool Save()
    {
        try
        {
            _file.Save(_states);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_file.Path, ex.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = EventIds.DestinationStateChanged, EventName = "DestinationStateChanged", Level = LogLevel.Warning,
        Message = "Destination {Cluster}/{Destination}: {Previous} -> {State}, set by {Peer} on the admin listener")]
    private partial void LogChanged(string cluster, string destination, string previous, string state, string peer);

    [LoggerMessage(EventId = EventIds.DestinationStateFileUnreadable, EventName = "DestinationStateFileUnreadable", Level = LogLevel.Error,
        Message = "{Path} is unusable, every destination starts ready: {Reason}")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(EventId = EventIds.DestinationStateFileWriteFailed, EventName = "DestinationStateFileWriteFailed", Level = LogLevel.Error,
        Message = "Could not write {Path}; the state applies but will not survive a restart: {Reason}")]
    private partial void LogWriteFailed(string path, string reason);

    [LoggerMessage(EventId = EventIds.DestinationStateForgotten, EventName = "DestinationStateForgotten", Level = LogLevel.Information,
        Message = "Destination {Cluster}/{Destination} is gone from the configuration; its state {State} is forgotten")]
    private partial void LogForgotten(string cluster, string destination, string state);

    [LoggerMessage(EventId = EventIds.DestinationStateRestored, EventName = "DestinationStateRestored", Level = LogLevel.Warning,
        Message = "Destination {Cluster}/{Destination} starts in state {State} (kept in {Path})")]
    private partial void LogRestored(string cluster, string destination, string state, string path);
}
