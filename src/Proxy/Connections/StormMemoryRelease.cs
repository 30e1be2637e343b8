using System.Runtime.InteropServices;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Connections;

/// <summary>
/// Gives the memory of a connection storm back to the system once the storm is over. Without it, an idle process keeps
/// it: the GC only runs when something allocates, so the dead connections' objects (and Kestrel's pooled buffers) stay
/// on the heap, and glibc keeps the blocks OpenSSL freed in its per-thread arenas. When the public listeners' open
/// connections fell by at least <see cref="MinimumDrop"/> and to half their peak, one aggressive (compacting,
/// decommitting) collection and a <c>malloc_trim</c> return both; at most once per <see cref="MinimumInterval"/>, so a
/// peer that opens and closes connections in waves costs at most one short pause per interval.
/// </summary>
internal sealed partial class StormMemoryRelease(IdleConnectionReclaimer connections, TimeProvider timeProvider, IOptions<ConnectionsOptions> options, ILogger<StormMemoryRelease> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(30);
    internal const long MinimumDrop = 500;

    private long _peak;
    private DateTimeOffset _lastRelease = DateTimeOffset.MinValue;

    /// <summary>Releases so far (<c>/status</c> <c>connections.memoryReleases</c>).</summary>
    public long Releases { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReleaseMemoryAfterStorm)
        {
            return;
        }

        using var timer = new PeriodicTimer(CheckInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping (or a start that failed being disposed): nothing to report.
        }
    }

    /// <summary>One check: returns whether memory was released.</summary>
    internal bool Check()
    {
        var current = connections.Current;
        _peak = Math.Max(_peak, current);
        var now = timeProvider.GetUtcNow();
        if (_peak - current < MinimumDrop || current > _peak / 2 || now - _lastRelease < MinimumInterval)
        {
            return false;
        }

        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        Log.Released(logger, _peak, current, before / 1048576, Environment.WorkingSet / 1048576);
        _peak = current;
        _lastRelease = now;
        Releases++;
        return true;
    }

    /// <summary>glibc's <c>malloc_trim(0)</c>: free pages of every arena back to the system (a no-op elsewhere).</summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the managed heap was still returned.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ConnectionStormMemoryReleased, Level = LogLevel.Information,
            Message = "Connection storm over ({Peak} open connections at the peak, {Current} now): memory released, working set {BeforeMb} MB -> {AfterMb} MB")]
        public static partial void Released(ILogger logger, long peak, long current, long beforeMb, long afterMb);
    }
}
