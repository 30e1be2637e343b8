using System.Runtime.InteropServices;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Shutdown;

/// <summary>
/// Replaces the console lifetime, which stops at once on SIGTERM. Here the first SIGTERM, SIGINT or SIGQUIT makes the
/// proxy unready and keeps it serving for <c>DrainDelay</c>, so load balancers notice; then the host stops: Kestrel
/// closes the listeners and lets requests in flight finish for up to <c>Timeout</c> (keep-alive answers get
/// <c>Connection: close</c>, HTTP/2 a GOAWAY), and the process exits 0. A second signal exits at once (status 1).
/// </summary>
internal sealed partial class DrainingLifetime(
    IHostApplicationLifetime lifetime,
    DrainState state,
    IOptions<ShutdownOptions> options,
    TimeProvider timeProvider,
    ILogger<DrainingLifetime> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signals;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the drain decides when the process ends
        if (Interlocked.Increment(ref _signals) > 1)
        {
            LogForced(context.Signal);
            Environment.Exit(1);
        }

        state.BeginDrain();
        var delay = options.Value.DrainDelay;
        LogDraining(context.Signal, delay, options.Value.Timeout);
        _ = StopAfterAsync(delay);
    }

    private async Task StopAfterAsync(TimeSpan delay)
    {
        await Task.Delay(delay, timeProvider);
        lifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    [LoggerMessage(EventId = EventIds.ShutdownDraining, EventName = "ShutdownDraining", Level = LogLevel.Warning,
        Message = "{Signal}: unready now, serving for {DrainDelay} more, then finishing requests in flight for up to {Timeout}; a second signal exits at once.")]
    private partial void LogDraining(PosixSignal signal, TimeSpan drainDelay, TimeSpan timeout);

    [LoggerMessage(EventId = EventIds.ShutdownForced, EventName = "ShutdownForced", Level = LogLevel.Warning, Message = "{Signal} again: exiting at once.")]
    private partial void LogForced(PosixSignal signal);
}
