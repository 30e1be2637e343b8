using EdgeProxy.Connections;
using Microsoft.AspNetCore.Connections;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// <see cref="IdleCandidates"/>: admissions at the limit share one scan per <see cref="IdleCandidates.BatchSize"/>
/// reclaims, yet each still takes the longest-idle connection of all.
/// </summary>
public sealed class IdleCandidatesTests
{
    private const int Count = 3 * IdleCandidates.BatchSize + 7;

    /// <summary>Open connections that raise <paramref name="candidates"/>' signal when they turn idle, as the reclaimer's do.</summary>
    private static Dictionary<TrackedConnection, byte> Open(int count, IdleCandidates candidates) =>
        Enumerable.Range(0, count).ToDictionary(i => new TrackedConnection(new DefaultConnectionContext($"c{i}"), acceptedAt: 1000 + i, candidates.Signal.Raise), _ => (byte)0);

    /// <summary>As the reclaimer does with what it takes: closed, out of the open set.</summary>
    private static TrackedConnection Reclaim(IdleCandidates candidates, Dictionary<TrackedConnection, byte> open)
    {
        var taken = candidates.Take(open) ?? throw new InvalidOperationException("nothing idle");
        Assert.True(taken.TryMarkClosed());
        open.Remove(taken);
        return taken;
    }

    [Fact]
    public void Connections_are_taken_longest_idle_first_across_scans()
    {
        var candidates = new IdleCandidates(static _ => true);
        var open = Open(Count, candidates);

        var order = Enumerable.Range(0, Count).Select(_ => Reclaim(candidates, open).IdleSince).ToList();

        Assert.Equal(Enumerable.Range(1000, Count).Select(i => (long)i), order);
        Assert.Null(candidates.Take(open));
    }

    [Fact]
    public void One_that_served_a_request_since_the_scan_waits_for_its_new_turn_and_a_busy_one_is_skipped()
    {
        var candidates = new IdleCandidates(static _ => true);
        var open = Open(10, candidates);
        var byAge = open.Keys.OrderBy(c => c.IdleSince).ToList();
        Assert.Same(byAge[0], Reclaim(candidates, open)); // the scan that batched all ten

        byAge[1].RequestStarted();
        byAge[1].RequestEnded(now: 5000); // idle again, now the most recently
        byAge[2].RequestStarted(); // in flight

        Assert.Same(byAge[3], Reclaim(candidates, open));
        var rest = Enumerable.Range(0, 7).Select(_ => Reclaim(candidates, open)).ToList();
        Assert.Equal([.. byAge.Skip(4), byAge[1]], rest);
        Assert.Null(candidates.Take(open)); // only the busy one is left
        byAge[2].RequestEnded(now: 6000);
        Assert.Same(byAge[2], Reclaim(candidates, open));
    }

    [Fact]
    public void With_none_idle_newcomers_do_not_each_scan_again()
    {
        var candidates = new IdleCandidates(static _ => true);
        var open = Open(3, candidates);
        var byAge = open.Keys.OrderBy(c => c.IdleSince).ToList();
        byAge.ForEach(c => c.RequestStarted());
        var scans = 0;
        IEnumerable<KeyValuePair<TrackedConnection, byte>> Counted()
        {
            scans++;
            foreach (var entry in open)
            {
                yield return entry;
            }
        }

        Assert.Null(candidates.Take(Counted()));
        Assert.Null(candidates.Take(Counted())); // the next newcomer is refused without a scan
        Assert.Equal(1, scans);

        byAge[1].RequestEnded(now: 5000);
        Assert.Same(byAge[1], candidates.Take(Counted()));
        Assert.Equal(2, scans);
    }

    [Fact]
    public void For_memory_only_connections_that_served_a_request_are_taken()
    {
        var candidates = new IdleCandidates(static c => c.Served);
        var open = Open(5, candidates);
        var byAge = open.Keys.OrderBy(c => c.IdleSince).ToList();
        byAge[3].RequestStarted();
        byAge[3].RequestEnded(now: 2000);

        Assert.Same(byAge[3], Reclaim(candidates, open));
        Assert.Null(candidates.Take(open));
    }
}
