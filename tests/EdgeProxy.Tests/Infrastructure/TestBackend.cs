using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// A real backend on 127.0.0.1 (Kestrel, port 0). Answers every request with <c>backend=NAME path=PATH</c>, sends its own
/// <c>Server</c> header (which the proxy must drop), and answers <c>/health</c> with <see cref="Healthy"/>.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private WebApplication _app = null!;

    private TestBackend(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>Base URL with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public string Address { get; private set; } = "";

    public bool Healthy { get; set; } = true;

    /// <summary>Headers added to every answer.</summary>
    public Dictionary<string, string> ExtraResponseHeaders { get; } = [];

    /// <summary>The last request's headers, as the backend saw them.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    public static async Task<TestBackend> StartAsync(string name)
    {
        var backend = new TestBackend(name);
        (backend._app, var baseUri) = await LoopbackApp.StartAsync(async context =>
        {
            backend.LastHeaders = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
            context.Response.Headers.Server = "backend-server/1.0";
            foreach (var (header, value) in backend.ExtraResponseHeaders)
            {
                context.Response.Headers[header] = value;
            }

            if (context.Request.Path == "/health")
            {
                context.Response.StatusCode = backend.Healthy ? 200 : 503;
                return;
            }

            await context.Response.WriteAsync($"backend={name} path={context.Request.Path}{context.Request.QueryString}");
        });
        backend.Address = baseUri.ToString();
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
