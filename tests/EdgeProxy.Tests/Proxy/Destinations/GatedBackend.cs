using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>
/// A real backend on loopback that answers <c>backend=NAME</c> at once, except <c>/slow</c>, which it holds until the
/// test calls <see cref="Release"/> (a request in flight for as long as the test needs one).
/// </summary>
internal sealed class GatedBackend : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private int _requests;

    private GatedBackend(string name) => Name = name;

    public string Name { get; }

    public string Address { get; private set; } = "";

    /// <summary>Completes when a <c>/slow</c> request has arrived.</summary>
    public TaskCompletionSource SlowArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Requests answered or held so far (health probes not counted).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<GatedBackend> StartAsync(string name)
    {
        var backend = new GatedBackend(name);
        (backend._app, var baseUri) = await LoopbackApp.StartAsync(async context =>
        {
            if (context.Request.Path == "/health")
            {
                return;
            }

            Interlocked.Increment(ref backend._requests);
            if (context.Request.Path == "/slow")
            {
                backend.SlowArrived.TrySetResult();
                await backend._release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            }

            await context.Response.WriteAsync($"backend={name}");
        });
        backend.Address = baseUri.ToString();
        return backend;
    }

    public void Release() => _release.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
