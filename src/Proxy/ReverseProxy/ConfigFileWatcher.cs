using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Notices changes of the configuration file, whether an editor rewrites it in place or a deploy tool renames a new
/// file over it, and asks <see cref="ProxyConfigReloader"/> to reload after a short quiet period. A slow poll backs up
/// the file-system notices.
/// </summary>
internal sealed partial class ConfigFileWatcher(
    EdgeProxyCommandLine command,
    ProxyConfigReloader reloader,
    IOptions<ConfigFileWatcherOptions> options,
    TimeProvider timeProvider,
    ILogger<ConfigFileWatcher> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _fileName = Path.GetFileName(command.ConfigPath);
    private FileSystemWatcher? _watcher;
    private ITimer? _debounce;
    private ITimer? _poll;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _debounce = timeProvider.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _poll = timeProvider.CreateTimer(_ => Reload(), null, settings.PollInterval, settings.PollInterval);

        _watcher = new FileSystemWatcher(Path.GetDirectoryName(command.ConfigPath)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, e) => OnFileEvent(e.Name);
        _watcher.Created += (_, e) => OnFileEvent(e.Name);
        _watcher.Renamed += (_, e) => OnFileEvent(e.Name);
        _watcher.Error += (_, e) => LogWatcherError(e.GetException().Message);
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        _poll?.Dispose();
    }

    private void OnFileEvent(string? name)
    {
        if (string.Equals(name, _fileName, StringComparison.Ordinal))
        {
            _debounce?.Change(options.Value.Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private async void Reload()
    {
        try
        {
            await reloader.ReloadAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogReloadFailed(ex);
        }
    }

    [LoggerMessage(EventId = EventIds.ConfigWatcherError, EventName = "ConfigWatcherError", Level = LogLevel.Warning, Message = "File notices for the configuration file failed ({Reason}); polling still picks up changes.")]
    private partial void LogWatcherError(string reason);

    [LoggerMessage(EventId = EventIds.ConfigReloadFailed, EventName = "ConfigReloadFailed", Level = LogLevel.Error, Message = "Reloading the configuration failed unexpectedly; the running configuration stays.")]
    private partial void LogReloadFailed(Exception exception);
}
