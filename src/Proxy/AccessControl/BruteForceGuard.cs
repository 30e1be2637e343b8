using System.Collections.Concurrent;

namespace EdgeProxy.AccessControl;

/// <summary>
/// Wrong passwords per client (a <see cref="ClientKey"/>: an IPv6 /64 or an IPv4 address by default) for one policy, in
/// a one-minute window opened by the first failure. Over the limit, the client is refused (429) until that window has
/// passed, even with the right password. The table is bounded. A client's passwords are checked one at a time
/// (<see cref="TakeTurnAsync"/>): checked at once, its attempts would all pass the lockout before any failure counted.
/// </summary>
internal sealed class BruteForceGuard(TimeProvider timeProvider, int maxTrackedClients = BruteForceGuard.DefaultMaxTrackedClients)
{
    public const int DefaultMaxTrackedClients = 100_000;

    /// <summary>Attempts of one client waiting for their turn beyond which more are refused at once.</summary>
    internal const int MaxWaitingPerClient = 32;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<UInt128, Entry> _clients = new();

    public int TrackedClients => _clients.Count;

    /// <summary>When the client is locked out, how long until it is not; else null.</summary>
    public TimeSpan? LockedFor(UInt128 client, int maxFailures)
    {
        if (maxFailures <= 0 || _clients.IsEmpty || !_clients.TryGetValue(client, out var entry))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        lock (entry)
        {
            var left = entry.WindowStart + Window - now;
            return entry.Failures > maxFailures && left > TimeSpan.Zero ? left : null;
        }
    }

    /// <summary>
    /// Waits until no other password of this client is being checked; dispose the turn when this one's failure (if any)
    /// is counted. Null when <see cref="MaxWaitingPerClient"/> of its attempts already wait: refuse it at once.
    /// </summary>
    public async ValueTask<IDisposable?> TakeTurnAsync(UInt128 client)
    {
        var entry = EntryOf(client);
        if (Interlocked.Increment(ref entry.Waiting) > MaxWaitingPerClient)
        {
            Interlocked.Decrement(ref entry.Waiting);
            return null;
        }

        await entry.Turn.WaitAsync();
        return entry;
    }

    /// <summary>Counts a wrong password; true when this one locks the client out (once per lockout, for its log line).</summary>
    public bool RecordFailure(UInt128 client, int maxFailures = 0)
    {
        var now = timeProvider.GetUtcNow();
        var entry = EntryOf(client);
        lock (entry)
        {
            if (entry.Failures == 0 || now - entry.WindowStart >= Window)
            {
                entry.WindowStart = now;
                entry.Failures = 0;
            }

            entry.Failures++;
            return maxFailures > 0 && entry.Failures == maxFailures + 1;
        }
    }

    private Entry EntryOf(UInt128 client)
    {
        if (_clients.Count >= maxTrackedClients)
        {
            Sweep(timeProvider.GetUtcNow());
        }

        return _clients.GetOrAdd(client, static _ => new Entry());
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _clients)
        {
            if (now - entry.WindowStart >= Window)
            {
                _clients.TryRemove(key, out _);
            }
        }

        // Still full of live windows (a flood of distinct addresses): forget the oldest half.
        if (_clients.Count >= maxTrackedClients)
        {
            foreach (var key in _clients.OrderBy(p => p.Value.WindowStart).Take(_clients.Count / 2).Select(p => p.Key).ToList())
            {
                _clients.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry : IDisposable
    {
        public readonly SemaphoreSlim Turn = new(1, 1);
        public DateTimeOffset WindowStart;
        public int Failures;
        public int Waiting;

        /// <summary>Ends the turn taken by <see cref="TakeTurnAsync"/>.</summary>
        public void Dispose()
        {
            Interlocked.Decrement(ref Waiting);
            Turn.Release();
        }
    }
}
