using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// A response feature for <c>DefaultHttpContext</c> unit tests whose <c>OnStarting</c> callbacks run, as a server runs
/// them: when the test calls <see cref="StartAsync"/>, last registered first.
/// </summary>
public sealed class StartableResponseFeature : HttpResponseFeature
{
    private readonly Stack<(Func<object, Task> Callback, object State)> _onStarting = new();
    private bool _started;

    public override bool HasStarted => _started;

    public override void OnStarting(Func<object, Task> callback, object state)
    {
        if (_started)
        {
            throw new InvalidOperationException("the response has already started");
        }

        _onStarting.Push((callback, state));
    }

    public async Task StartAsync()
    {
        _started = true;
        while (_onStarting.TryPop(out var entry))
        {
            await entry.Callback(entry.State);
        }
    }

    /// <summary>A context with this feature as its response.</summary>
    public static (DefaultHttpContext Context, StartableResponseFeature Response) NewContext()
    {
        var response = new StartableResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseFeature>(response);
        return (context, response);
    }
}
