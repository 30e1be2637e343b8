using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// Cloudflare's range endpoints played on 127.0.0.1: each test sets what every path answers (a list, HTML, an error,
/// silence, a redirect, 304) and can read what the refresher sent.
/// </summary>
public sealed class FakeCloudflare : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _answers = new();

    public Uri BaseUri { get; private set; } = null!;

    public string Url(string path) => new Uri(BaseUri, path).ToString();

    /// <summary>The If-None-Match header of each request, by path, in order.</summary>
    public ConcurrentQueue<(string Path, string? IfNoneMatch)> Requests { get; } = new();

    public static async Task<FakeCloudflare> StartAsync()
    {
        var fake = new FakeCloudflare();
        (fake._app, fake.BaseUri) = await LoopbackApp.StartAsync(context =>
        {
            var path = context.Request.Path.Value ?? "";
            fake.Requests.Enqueue((path, context.Request.Headers.IfNoneMatch.FirstOrDefault()));
            if (fake._answers.TryGetValue(path, out var answer))
            {
                return answer(context);
            }

            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        return fake;
    }

    public void Answer(string path, Func<HttpContext, Task> answer) => _answers[path] = answer;

    /// <summary>200 with <paramref name="body"/>; with an ETag, a matching If-None-Match gets 304.</summary>
    public void AnswerText(string path, string body, string contentType = "text/plain; charset=utf-8", string? etag = null) =>
        Answer(path, context =>
        {
            if (etag is not null)
            {
                context.Response.Headers.ETag = etag;
                if (context.Request.Headers.IfNoneMatch == etag)
                {
                    context.Response.StatusCode = 304;
                    return Task.CompletedTask;
                }
            }

            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(body);
        });

    public void AnswerList(string path, params string[] ranges) => AnswerText(path, string.Join("\n", ranges) + "\n");

    public void AnswerStatus(string path, int status) => Answer(path, context =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    });

    public void AnswerSlowly(string path, TimeSpan delay) => Answer(path, async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync("198.51.100.0/24\n");
    });

    public void Redirect(string path, string target) => Answer(path, context =>
    {
        context.Response.StatusCode = 301;
        context.Response.Headers.Location = target;
        return Task.CompletedTask;
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
