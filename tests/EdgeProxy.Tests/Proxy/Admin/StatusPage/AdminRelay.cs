using System.Collections.Concurrent;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>
/// What the browser talks to: passes each request on to the admin listener and keeps what it saw, so that a test can
/// act between the page's own load and its script's refresh (<see cref="BeforeJsonRequest"/>).
/// </summary>
internal sealed class AdminRelay : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _admin;
    private int _count;
    private int _jsonCount;

    private AdminRelay(WebApplication app, Uri baseUri, HttpClient admin)
    {
        _app = app;
        _admin = admin;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    /// <summary>Method, path and Accept of every request, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Method and path of every request that carried an <c>Authorization</c> header.</summary>
    public ConcurrentQueue<string> Authorized { get; } = new();

    /// <summary>The body of the first answer (the page as the server rendered it).</summary>
    public string? FirstBody { get; private set; }

    /// <summary>Runs before the n-th request for <c>/status</c> as JSON (1-based) is passed on.</summary>
    public Func<int, Task>? BeforeJsonRequest { get; set; }

    /// <summary>False to drop the page's Content-Security-Policy, so that the browser fetches whatever the markup names.</summary>
    public bool PassContentSecurityPolicy { get; set; } = true;

    public static async Task<AdminRelay> StartAsync(HttpClient admin)
    {
        AdminRelay? relay = null;
        var (app, baseUri) = await LoopbackApp.StartAsync(context => relay!.RelayAsync(context));
        relay = new AdminRelay(app, baseUri, admin);
        return relay;
    }

    private async Task RelayAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _count);
        Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Headers.Accept}");
        if (context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal) && BeforeJsonRequest is { } before)
        {
            await before(Interlocked.Increment(ref _jsonCount));
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToString());
        if (context.Request.Headers.Authorization.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", context.Request.Headers.Authorization.ToString());
            Authorized.Enqueue($"{context.Request.Method} {context.Request.Path}");
        }

        using var response = await _admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (n == 1)
        {
            FirstBody = body;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        if (PassContentSecurityPolicy && response.Headers.TryGetValues("Content-Security-Policy", out var policy))
        {
            context.Response.Headers.ContentSecurityPolicy = policy.ToArray();
        }

        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
