namespace EdgeProxy.Shutdown;

/// <summary>Whether the proxy has been told to stop; readiness fails from that moment on.</summary>
internal sealed class DrainState
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void BeginDrain() => _draining = true;
}
