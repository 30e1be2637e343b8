using EdgeProxy.Common;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Re-reads the live policies' htpasswd files when they change: file-system notices on their folders, backed by a poll.
/// A file that no longer parses keeps its last good users; the reason is logged and shown in <c>/status</c>.
/// </summary>
internal sealed partial class HtpasswdWatcher(AccessControlState state, TimeProvider timeProvider, ILogger<HtpasswdWatcher> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private ITimer? _poll;
    private ITimer? _debounce;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _debounce = timeProvider.CreateTimer(_ => Refresh(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = timeProvider.CreateTimer(_ => Refresh(), null, PollInterval, PollInterval);
        state.Applied += Watch;
        Watch();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        state.Applied -= Watch;
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _poll?.Dispose();
        _debounce?.Dispose();
        lock (_lock)
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }

            _watchers.Clear();
        }
    }

    private void Watch()
    {
        lock (_lock)
        {
            foreach (var directory in state.HtpasswdSources.Select(s => Path.GetDirectoryName(s.Path)!).Distinct())
            {
                if (_watchers.ContainsKey(directory) || !Directory.Exists(directory))
                {
                    continue;
                }

                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += (_, _) => _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
                watcher.Created += (_, _) => _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
                watcher.Renamed += (_, _) => _debounce?.Change(Debounce, Timeout.InfiniteTimeSpan);
                watcher.Error += (_, e) => LogWatcherError(directory, e.GetException().Message);
                watcher.EnableRaisingEvents = true;
                _watchers[directory] = watcher;
            }
        }
    }

    /// <summary>Re-reads every live htpasswd file whose content changed (tests call it directly).</summary>
    internal void Refresh()
    {
        lock (_lock)
        {
            foreach (var source in state.HtpasswdSources)
            {
                if (source.Refresh() is not { } errors)
                {
                    continue;
                }

                if (errors.Count == 0)
                {
                    LogReloaded(source.Path, source.UserCount);
                }
                else
                {
                    LogRejected(source.Path, string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
                }
            }
        }
    }

    [LoggerMessage(EventId = EventIds.HtpasswdReloaded, EventName = "HtpasswdReloaded", Level = LogLevel.Information, Message = "Applied {File}: {Users} user(s).")]
    private partial void LogReloaded(string file, int users);

    [LoggerMessage(EventId = EventIds.HtpasswdRejected, EventName = "HtpasswdRejected", Level = LogLevel.Error, Message = "Rejected the edit of {File}; its last good users stay. Problems:\n{Errors}")]
    private partial void LogRejected(string file, string errors);

    [LoggerMessage(EventId = EventIds.HtpasswdWatcherError, EventName = "HtpasswdWatcherError", Level = LogLevel.Warning, Message = "File notices for {Directory} failed ({Reason}); polling still picks up htpasswd changes.")]
    private partial void LogWatcherError(string directory, string reason);
}
