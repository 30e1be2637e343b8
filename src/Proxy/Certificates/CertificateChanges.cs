namespace EdgeProxy.Certificates;

/// <summary>
/// Says that a renewed certificate is now served, to whatever follows the served certificates (OCSP stapling), without
/// the renewal watcher knowing who listens.
/// </summary>
internal sealed class CertificateChanges
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next change (take it before looking, so that no change is missed in between).</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
