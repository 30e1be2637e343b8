using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Cloudflare;

/// <summary>
/// Keeps Cloudflare's ranges fresh, fail-safe. At start: the cache file if valid, else the shipped snapshot — never an
/// empty set. Then a first fetch right away (without delaying listening), and one every <c>RefreshInterval</c> with
/// jitter, backing off exponentially after failures. A fetched list replaces the live one only if every source
/// answered as expected, every entry is a CIDR of the right family, it passes <see cref="CloudflareRangeSanity"/>
/// (no over-wide or forbidden range, no drastic growth), and it is not drastically smaller.
/// </summary>
internal sealed partial class CloudflareRangeRefresher : BackgroundService
{
    private readonly CloudflareOptions _options;
    private readonly bool _enabled;
    private readonly IReadOnlyList<CloudflareSource> _sources;
    private readonly CloudflareRangeSanity _sanity;
    private readonly CloudflareRangeCache _cache;
    private readonly TrustedNetworkRegistry _registry;
    private readonly CloudflareSourceClient _sourceClient;
    private readonly TimeProvider _timeProvider;
    private readonly CloudflareMetrics _metrics;
    private readonly ILogger<CloudflareRangeRefresher> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile CloudflareRangeList _current = CloudflareRangeList.Snapshot;
    private volatile CloudflareRefreshState _state = CloudflareRefreshState.Initial;
    private bool _staleWarned;

    public CloudflareRangeRefresher(
        IOptions<CloudflareOptions> options,
        IOptions<CloudflareTrustOptions> trustOptions,
        CloudflareRangeCache cache,
        TrustedNetworkRegistry registry,
        CloudflareSourceClient sourceClient,
        CloudflareRangeSanity sanity,
        TimeProvider timeProvider,
        CloudflareMetrics metrics,
        ILogger<CloudflareRangeRefresher> logger)
    {
        _options = options.Value;
        _enabled = trustOptions.Value.TrustCloudflare;
        _sources = [.. _options.EffectiveSources.Select(CloudflareSource.FromUrl)];
        _sanity = sanity;
        _cache = cache;
        _registry = registry;
        _sourceClient = sourceClient;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    public bool Enabled => _enabled;

    public CloudflareRangeList Current => _current;

    public CloudflareRefreshState State => _state;

    public IReadOnlyList<CloudflareSource> Sources => _sources;

    public string CacheFile => _cache.Path;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return Task.CompletedTask;
        }

        // Hosted services start before Kestrel listens: the first request already sees the cache or the snapshot.
        LoadInitial();
        return base.StartAsync(cancellationToken);
    }

    internal void LoadInitial()
    {
        var cached = _cache.TryLoad(out var problem);
        // A poisoned list that was once accepted (or written by hand) must not come back with a restart.
        if (cached is not null && (_sanity.CheckRanges(cached.Ranges) ?? _sanity.CheckGrowthOverSnapshot(cached.Ranges)) is { } refused)
        {
            (cached, problem) = (null, $"{_cache.Path}: refused ({refused.Reason}): {refused.Message}");
        }

        if (problem is not null)
        {
            LogCacheUnusable(problem);
            _state = _state with { CacheProblem = problem };
        }

        Swap(cached ?? CloudflareRangeList.Snapshot);
        LogInitial(_current.Origin, _current.Ranges.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var accepted = await RefreshAsync(stoppingToken);
            var delay = accepted ? Jittered(_options.RefreshInterval) : Backoff(_state.ConsecutiveFailures);
            // The timer exists before the next attempt time is published, so whoever reads it can rely on it.
            var wait = Task.Delay(delay, _timeProvider, stoppingToken);
            _state = _state with { NextAttemptAt = _timeProvider.GetUtcNow() + delay };
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fetches every source once and swaps the list if the answers are acceptable. Returns whether they were.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _timeProvider.GetUtcNow();
            _state = _state with { LastAttemptAt = now };
            RangeRejection? rejection;
            CloudflareRangeList? fetched;
            try
            {
                (fetched, rejection) = await FetchAllAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                (fetched, rejection) = (null, new RangeRejection(RangeRejection.Internal, ex.Message));
            }

            // Growth is held to the live list and to the snapshot (a poisoned source must not trust half the internet, at
            // once or step by step); shrink only to a live list that is not the snapshot.
            rejection ??= _sanity.CheckGrowth(fetched!.Ranges, _current.Ranges) ?? _sanity.CheckGrowthOverSnapshot(fetched.Ranges) ?? CheckShrink(fetched);
            if (rejection is not null)
            {
                _state = _state with { LastError = rejection, LastErrorAt = now, ConsecutiveFailures = _state.ConsecutiveFailures + 1 };
                _metrics.CountFailure(rejection.Reason);
                LogRejected(rejection.Reason, rejection.Message, _current.Origin, _current.Ranges.Count);
                if (_options.IsStale(_current, now) && !_staleWarned)
                {
                    _staleWarned = true; // once per stale spell, not once per retry
                    LogStale(_current.Origin, (now - _current.ConfirmedAt).TotalDays, _options.MaxAge);
                }

                return false;
            }

            var changed = !SameRanges(fetched!, _current);
            Swap(fetched!);
            _state = _state with { LastSuccessAt = now, ConsecutiveFailures = 0 };
            _staleWarned = false;
            // On the thread pool: after the fetch this continues on a socket's event thread, and the write syncs to disk.
            await Task.Run(() => SaveCache(fetched!), CancellationToken.None);
            if (changed)
            {
                LogAccepted(fetched!.Ranges.Count);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(CloudflareRangeList?, RangeRejection?)> FetchAllAsync(CancellationToken cancellationToken)
    {
        var answers = new List<SourceAnswer>();
        var ranges = new List<IPNetwork2>();
        foreach (var source in _sources)
        {
            // Validators are only sent for a list that came from a source (the snapshot never did).
            var previous = _current.Origin == RangeOrigin.Snapshot ? null : _current.Sources.FirstOrDefault(s => s.Url == source.Url.ToString());
            var (answer, rejection) = await _sourceClient.FetchAsync(source, previous, cancellationToken);
            if (rejection is not null)
            {
                return (null, rejection);
            }

            answers.Add(answer!);
            ranges.AddRange(answer!.Ranges.Select(r => IPNetwork2.Parse(r)));
        }

        var distinct = ranges.DistinctBy(r => r.ToString()).ToList();
        return distinct.Count == 0
            ? (null, new RangeRejection(RangeRejection.Empty, "the sources list no ranges"))
            : (new CloudflareRangeList(RangeOrigin.Live, distinct, answers, _timeProvider.GetUtcNow()), null);
    }

    /// <summary>The snapshot is not "current" for this rule: it may be older than any real change Cloudflare made.</summary>
    private RangeRejection? CheckShrink(CloudflareRangeList fetched)
    {
        var current = _current;
        if (current.Origin == RangeOrigin.Snapshot)
        {
            return null;
        }

        var minimum = current.Ranges.Count * (100 - _options.MaxShrinkPercent) / 100.0;
        return fetched.Ranges.Count < minimum
            ? new RangeRejection(RangeRejection.Shrink,
                $"the sources list {fetched.Ranges.Count} ranges where the live list has {current.Ranges.Count}: more than {_options.MaxShrinkPercent}% fewer (EdgeProxy:Cloudflare:MaxShrinkPercent)")
            : null;
    }

    private void Swap(CloudflareRangeList list)
    {
        _current = list;
        if (_enabled)
        {
            _registry.Set(CloudflareTrustOptions.Source, list.Ranges);
        }
    }

    private void SaveCache(CloudflareRangeList list)
    {
        try
        {
            _cache.Save(list);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogCacheWriteFailed(_cache.Path, ex.Message);
        }
    }

    private static bool SameRanges(CloudflareRangeList a, CloudflareRangeList b) =>
        a.Ranges.Select(r => r.ToString()).Order().SequenceEqual(b.Ranges.Select(r => r.ToString()).Order());

    /// <summary>±10 % so that a fleet of proxies does not fetch in lockstep.</summary>
    private static TimeSpan Jittered(TimeSpan interval) => interval * (0.9 + (Random.Shared.NextDouble() * 0.2));

    private TimeSpan Backoff(int failures) => ExponentialBackoff.Delay(_options.MinRetryInterval, failures, _options.RefreshInterval);

    [LoggerMessage(EventId = EventIds.CloudflareInitial, EventName = "CloudflareInitial", Level = LogLevel.Information, Message = "Cloudflare ranges at start: {Origin} list with {Count} ranges.")]
    private partial void LogInitial(RangeOrigin origin, int count);

    [LoggerMessage(EventId = EventIds.CloudflareCacheUnusable, EventName = "CloudflareCacheUnusable", Level = LogLevel.Warning, Message = "Cloudflare range cache unusable, ignored: {Problem}")]
    private partial void LogCacheUnusable(string problem);

    [LoggerMessage(EventId = EventIds.CloudflareAccepted, EventName = "CloudflareAccepted", Level = LogLevel.Information, Message = "Cloudflare ranges updated: {Count} ranges.")]
    private partial void LogAccepted(int count);

    [LoggerMessage(EventId = EventIds.CloudflareRejected, EventName = "CloudflareRejected", Level = LogLevel.Warning, Message = "Cloudflare range refresh rejected ({Reason}): {Message}. Keeping the {Origin} list with {Count} ranges.")]
    private partial void LogRejected(string reason, string message, RangeOrigin origin, int count);

    [LoggerMessage(EventId = EventIds.CloudflareStale, EventName = "CloudflareStale", Level = LogLevel.Warning, Message = "The trusted Cloudflare list ({Origin}) is {AgeDays:0.#} days old, beyond EdgeProxy:Cloudflare:MaxAge {MaxAge}: still serving with it (readiness is unaffected unless FailReadinessWhenOlderThan is set); fix the refresh (see the errors above).")]
    private partial void LogStale(RangeOrigin origin, double ageDays, TimeSpan maxAge);

    [LoggerMessage(EventId = EventIds.CloudflareCacheWriteFailed, EventName = "CloudflareCacheWriteFailed", Level = LogLevel.Warning, Message = "Could not write the Cloudflare range cache {Path}: {Reason}")]
    private partial void LogCacheWriteFailed(string path, string reason);
}
