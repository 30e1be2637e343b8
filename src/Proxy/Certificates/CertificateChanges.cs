namespace EdgeProxy.Certificates;

/// <summary>
/// Says that a renewed certificate is now served, to whatever follows the served certificates (OCSP stapling), without
/// the renewal watcher knowing who listens.
/// </summary>
internal sealed class CertificateChanges
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _announced;

    /// <summary>
    /// Renewals announced so far: counted before the renewed certificate is served (the TLS stack may ask about it at
    /// once), so a follower can tell that one is underway that it has not followed yet.
    /// </summary>
    public long Announced => Interlocked.Read(ref _announced);

    public void Announce() => Interlocked.Increment(ref _announced);

    /// <summary>Completes at the next change (take it before looking, so that no change is missed in between).</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
