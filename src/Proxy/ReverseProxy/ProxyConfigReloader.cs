using System.Security.Cryptography;
using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Re-reads the configuration file and swaps YARP's routes and clusters only when the whole new version is valid.
/// A rejected edit keeps the running configuration and logs the file and the keys that are wrong.
/// </summary>
internal sealed partial class ProxyConfigReloader(
    EdgeProxyCommandLine command,
    ProxyConfigLoader loader,
    InMemoryConfigProvider provider,
    ProxyConfigStatus status,
    ProxyMetrics metrics,
    RestartRequiredDetector restartRequired,
    TimeProvider timeProvider,
    ILogger<ProxyConfigReloader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[] _lastSeenHash = [];
    private bool _emptySeen;

    internal void ApplyInitial(ProxyConfigLoadResult result, ConfigFile file)
    {
        _lastSeenHash = SHA256.HashData(file.Content);
        restartRequired.RecordStart(file);
        Apply(result);
        // --check builds the same state to validate it, but serves nothing: "Applied" would be untrue there.
        if (!command.CheckOnly)
        {
            LogApplied(command.ConfigPath, result.Summary);
        }
    }

    /// <summary>Reads the file; does nothing when its content is the one seen last, valid or not.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            byte[] content;
            try
            {
                content = await File.ReadAllBytesAsync(command.ConfigPath, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Between an unlink and a rename the file can be briefly missing; the next notice or poll retries.
                LogReadFailed(command.ConfigPath, ex.Message);
                return;
            }

            // Editors truncate, then write: an empty file is usually half a save. Wait for the next notice or poll,
            // and only judge it if it is still empty then.
            if (content.Length == 0 && !_emptySeen)
            {
                _emptySeen = true;
                return;
            }

            _emptySeen = false;
            var hash = SHA256.HashData(content);
            if (hash.AsSpan().SequenceEqual(_lastSeenHash))
            {
                return;
            }

            _lastSeenHash = hash;
            var file = ConfigFile.FromContent(command.ConfigPath, content);
            if (file.JsonError is null)
            {
                restartRequired.Compare(file);
            }

            var result = await loader.LoadAsync(file, cancellationToken);
            if (result.IsValid)
            {
                // Compared with what runs before it is replaced; applied all the same (it may be meant), but said.
                var loosened = result.Stages.SelectMany(stage => stage.Loosening(result.Routes)).ToList();
                Apply(result);
                LogApplied(command.ConfigPath, result.Summary);
                foreach (var change in loosened)
                {
                    LogLoosened(command.ConfigPath, change);
                }

                status.RecordLoosened(loosened, timeProvider.GetUtcNow());
            }
            else
            {
                status.RecordRejected(result.Errors, timeProvider.GetUtcNow());
                metrics.ConfigReloads.WithLabels("rejected").Inc();
                LogRejected(command.ConfigPath, string.Join(Environment.NewLine, result.Errors.Select(e => "  - " + e)));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Apply(ProxyConfigLoadResult result)
    {
        // Policies first: YARP re-validates the routes on Update against what is live, and a request matching a new
        // route must find its policy.
        foreach (var stage in result.Stages)
        {
            stage.Apply(result.Routes);
        }

        provider.Update(result.Routes, result.Clusters);
        status.RecordApplied(result, timeProvider.GetUtcNow());
        metrics.ConfigReloads.WithLabels("applied").Inc();
        // --check prints them itself, whatever the log level.
        if (!command.CheckOnly)
        {
            foreach (var warning in result.Warnings)
            {
                LogWarning(warning);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.ConfigApplied, EventName = "ConfigApplied", Level = LogLevel.Information, Message = "Applied {File}: {Summary}.")]
    private partial void LogApplied(string file, string summary);

    [LoggerMessage(EventId = EventIds.ConfigRejected, EventName = "ConfigRejected", Level = LogLevel.Error, Message = "Rejected the edit of {File}; the running routes, clusters, access policies and rate limits stay. Problems:\n{Errors}")]
    private partial void LogRejected(string file, string errors);

    [LoggerMessage(EventId = EventIds.ConfigLoosened, EventName = "ConfigLoosened", Level = LogLevel.Warning, Message = "The edit of {File} weakens access control: {Change}.")]
    private partial void LogLoosened(string file, string change);

    [LoggerMessage(EventId = EventIds.ConfigWarning, EventName = "ConfigWarning", Level = LogLevel.Warning, Message = "{Warning}")]
    private partial void LogWarning(string warning);

    [LoggerMessage(EventId = EventIds.ConfigReadFailed, EventName = "ConfigReadFailed", Level = LogLevel.Warning, Message = "Could not read {File} ({Reason}); will retry on the next change.")]
    private partial void LogReadFailed(string file, string reason);
}
