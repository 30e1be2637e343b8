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
    private readonly Lock _sweeping = new();

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
        // One sweep at a time (this runs on a socket's event thread); the bound is only briefly exceeded meanwhile.
        if (_clients.Count >= maxTrackedClients && _sweeping.TryEnter())
        {
            try
            {
                Sweep(timeProvider.GetUtcNow());
            }
            finally
            {
                _sweeping.Exit();
            }
        }

        return _clients.GetOrAdd(client, static _ => new Entry());
    }

    private void Sweep(DateTimeOffset now)
    {
        // Clients whose window has passed, unless a check of theirs is waiting or running.
        foreach (var (key, entry) in _clients)
        {
            if (now - entry.WindowStart >= Window && Volatile.Read(ref entry.Waiting) == 0)
            {
                _clients.TryRemove(key, out _);
            }
        }

        // Still nearly full of live windows (a flood of distinct addresses): forget the oldest half too, so the next
        // sweep is at least a tenth of the bound in new clients away. Older than a sampled median: no sort.
        if (_clients.Count >= maxTrackedClients * 9L / 10)
        {
            var cutoff = SampledMedian.Of(_clients.Select(p => p.Value.WindowStart.UtcTicks), _clients.Count);
            var toRemove = _clients.Count / 2;
            foreach (var (key, entry) in _clients)
            {
                if (toRemove > 0 && entry.WindowStart.UtcTicks <= cutoff && Volatile.Read(ref entry.Waiting) == 0 && _clients.TryRemove(key, out _))
                {
                    toRemove--;
                }
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
