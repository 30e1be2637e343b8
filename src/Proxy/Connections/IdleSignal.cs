namespace EdgeProxy.Connections;

/// <summary>
/// Raised when a connection may have become idle since it was last cleared, so that <see cref="IdleCandidates"/> does
/// not scan again for nothing: with every connection busy, each refused newcomer would otherwise scan them all. Raised
/// on every request's end, so it writes only when not raised already.
/// </summary>
internal sealed class IdleSignal
{
    private volatile bool _raised = true;

    public bool Raised => _raised;

    public void Raise()
    {
        if (!_raised)
        {
            _raised = true;
        }
    }

    /// <summary>Cleared before a scan; the fence keeps the scan's reads after it, so a connection turning idle is either seen or raises it again.</summary>
    public void Clear()
    {
        _raised = false;
        Interlocked.MemoryBarrier();
    }
}
