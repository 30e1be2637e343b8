namespace EdgeProxy.Connections;

/// <summary>
/// The process's working set (RSS: what operators, container limits and OOM killers judge), read at most once per
/// <see cref="MaxAge"/>: reading it goes through <c>/proc</c>, too dear for every new connection in a storm.
/// </summary>
internal sealed class ProcessMemorySampler(TimeProvider timeProvider, Func<long> readWorkingSet)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock _refresh = new();
    private long _value;
    private long _sampledAt;
    private bool _sampled;

    public ProcessMemorySampler(TimeProvider timeProvider)
        : this(timeProvider, static () => Environment.WorkingSet)
    {
    }

    /// <summary>The working set in bytes, as read within the last <see cref="MaxAge"/>.</summary>
    public long WorkingSet
    {
        get
        {
            lock (_refresh)
            {
                var now = timeProvider.GetTimestamp();
                if (!_sampled || timeProvider.GetElapsedTime(_sampledAt, now) >= MaxAge)
                {
                    _value = readWorkingSet();
                    _sampledAt = now;
                    _sampled = true;
                }

                return _value;
            }
        }
    }
}
