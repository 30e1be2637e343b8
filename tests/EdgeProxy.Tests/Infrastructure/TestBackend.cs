using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// A real backend on 127.0.0.1 (Kestrel, port 0). Answers every request with <c>backend=NAME path=PATH</c>, sends its own
/// <c>Server</c> header (which the proxy must drop), and answers <c>/health</c> with <see cref="Healthy"/>.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Address = address.TrimEnd('/') + "/";
    }

    public string Name { get; }

    /// <summary>Base URL with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public string Address { get; }

    public bool Healthy { get; set; } = true;

    /// <summary>Headers added to every answer.</summary>
    public Dictionary<string, string> ExtraResponseHeaders { get; } = [];

    /// <summary>The last request's headers, as the backend saw them.</summary>
    public IHeaderDictionary? LastHeaders { get; private set; }

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        TestBackend? backend = null;
        app.Run(async context =>
        {
            backend!.LastHeaders = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value));
            context.Response.Headers.Server = "backend-server/1.0";
            foreach (var (name, value) in backend.ExtraResponseHeaders)
            {
                context.Response.Headers[name] = value;
            }

            if (context.Request.Path == "/health")
            {
                context.Response.StatusCode = backend.Healthy ? 200 : 503;
                return;
            }

            await context.Response.WriteAsync($"backend={name} path={context.Request.Path}{context.Request.QueryString}");
        });
        await app.StartAsync();
        backend = new TestBackend(name, app);
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
