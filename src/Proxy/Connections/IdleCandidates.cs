namespace EdgeProxy.Connections;

/// <summary>
/// The longest-idle connections found by one scan of the open ones, so that admissions at the limit share a scan
/// instead of each scanning every connection (at 10,000 connections, a flood of new ones would otherwise cost a full
/// scan each under the admission lock). Used only under <see cref="IdleConnectionReclaimer"/>'s admission lock. An entry
/// is taken only while still idle since the moment the scan saw: a connection that has served a request since, or
/// turned idle after the scan, is idle since later than every entry left, so the oldest entry is still the
/// longest-idle connection of all; the next scan finds the others. A scan that found none is repeated only once
/// <see cref="Signal"/> says a connection may have become idle since.
/// </summary>
internal sealed class IdleCandidates(Func<TrackedConnection, bool> eligible)
{
    internal const int BatchSize = 64;

    private bool _foundNone;

    /// <summary>To raise when a connection may have become idle.</summary>
    public IdleSignal Signal { get; } = new();

    private readonly List<(TrackedConnection Connection, long IdleSince)> _newestFirst = new(BatchSize);
    private readonly PriorityQueue<TrackedConnection, long> _scan = new(BatchSize + 1);

    /// <summary>Takes out the longest-idle eligible connection of <paramref name="open"/>; null when none is idle.</summary>
    public TrackedConnection? Take(IEnumerable<KeyValuePair<TrackedConnection, byte>> open)
    {
        if (TakeFromBatch() is { } taken)
        {
            return taken;
        }

        if (_foundNone && !Signal.Raised)
        {
            return null;
        }

        // Cleared before the scan: a connection turning idle meanwhile raises it again.
        Signal.Clear();
        Scan(open);
        taken = TakeFromBatch();
        _foundNone = taken is null;
        return taken;
    }

    private TrackedConnection? TakeFromBatch()
    {
        while (_newestFirst.Count > 0)
        {
            var (connection, idleSince) = _newestFirst[^1];
            _newestFirst.RemoveAt(_newestFirst.Count - 1);
            if (connection.IsIdle && connection.IdleSince == idleSince && eligible(connection))
            {
                return connection;
            }
        }

        return null;
    }

    private void Scan(IEnumerable<KeyValuePair<TrackedConnection, byte>> open)
    {
        foreach (var (connection, _) in open)
        {
            if (connection.IsIdle && eligible(connection))
            {
                // Negated: the queue gives up its smallest priority, i.e. the most recently idle beyond the batch size.
                _scan.Enqueue(connection, -connection.IdleSince);
                if (_scan.Count > BatchSize)
                {
                    _scan.Dequeue();
                }
            }
        }

        while (_scan.TryDequeue(out var connection, out var negated))
        {
            _newestFirst.Add((connection, -negated));
        }
    }
}
