using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// A WebSocket backend (plain HTTP/1.1, or h2c taking extended CONNECT): echoes every text and binary message, closes from its side when it receives
/// the text <see cref="CloseRequest"/>, and notes how each upgrade request reached it. Server pings are off unless asked,
/// so that an idle socket is really idle.
/// </summary>
public sealed class WebSocketEchoBackend : IAsyncDisposable
{
    public const string CloseRequest = "close, please";
    public const string ServerCloseReason = "server closes";

    private readonly ProtocolBackend _backend;

    private WebSocketEchoBackend(ProtocolBackend backend) => _backend = backend;

    public sealed record Upgrade(string Protocol, string Method, string? ForwardedFor);

    public Uri Address => _backend.Address;

    public ConcurrentQueue<Upgrade> Upgrades { get; } = new();

    /// <param name="keepAlive">Server pings at this interval, with a pong required within twice of it (null: no pings).</param>
    /// <param name="protocols">HTTP/1.1 (Upgrade) by default; <see cref="HttpProtocols.Http2"/> for a backend reached by extended CONNECT.</param>
    public static async Task<WebSocketEchoBackend> StartAsync(TimeSpan? keepAlive = null, HttpProtocols protocols = HttpProtocols.Http1)
    {
        WebSocketEchoBackend? self = null;
        var backend = await ProtocolBackend.StartAsync(protocols, app =>
        {
            app.UseWebSockets();
            app.Run(async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = 400;
                    return;
                }

                self!.Upgrades.Enqueue(new Upgrade(context.Request.Protocol, context.Request.Method, context.Request.Headers["X-Forwarded-For"].ToString()));
                using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
                {
                    KeepAliveInterval = keepAlive ?? TimeSpan.Zero,
                    KeepAliveTimeout = keepAlive is { } interval ? interval * 10 : Timeout.InfiniteTimeSpan,
                });
                await EchoAsync(socket, context.RequestAborted);
            });
        });
        self = new WebSocketEchoBackend(backend);
        return self;
    }

    private static async Task EchoAsync(WebSocket socket, CancellationToken cancel)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var (type, length) = await WebSocketText.ReceiveMessageAsync(socket, buffer, cancel);
                if (type == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription, cancel);
                    return;
                }

                if (type == WebSocketMessageType.Text && buffer.AsSpan(0, length).SequenceEqual(System.Text.Encoding.UTF8.GetBytes(CloseRequest)))
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, ServerCloseReason, cancel);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, length), type, endOfMessage: true, cancel);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The proxy (or the client) dropped the connection: what the idle-timeout tests expect.
        }
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();
}
