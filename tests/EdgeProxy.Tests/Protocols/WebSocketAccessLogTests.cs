using System.Net.WebSockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Protocols;

/// <summary>An upgraded request is logged once, when the socket closes, with the socket's lifetime and the bytes it carried.</summary>
public sealed class WebSocketAccessLogTests
{
    [Theory]
    [MemberData(nameof(WebSocketTests.ClientProtocols), MemberType = typeof(WebSocketTests))]
    public async Task One_line_when_the_socket_closes_with_its_duration_and_bytes(bool http2)
    {
        await using var backend = await WebSocketEchoBackend.StartAsync();
        var config = WebSocketTests.Config(backend);
        config["EdgeProxy"]!["AccessLog"] = new JsonObject { ["Console"] = false, ["File"] = "logs/access.log", ["Format"] = "Json" };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        var log = Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "logs", "access.log");

        using var socket = await WebSocketTests.ConnectAsync(proxy, http2, "/ws", Trusted, o => o.SetRequestHeader("CF-Connecting-IP", "203.0.113.7"));
        var payload = new byte[30_000];
        for (var i = 0; i < 3; i++)
        {
            await socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, default);
            await WebSocketText.ReceiveMessageAsync(socket, new byte[payload.Length], default);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(AccessLogFile.Lines(log)); // nothing while the socket is open (the 101 alone is no record)
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);

        var record = await AccessLogFile.WaitForRecordAsync(log, r => r.Text("path") == "/ws");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // a second line would have been written by now
        Assert.Single(AccessLogFile.Lines(log));
        Assert.Equal(http2 ? 200 : 101, record.GetProperty("status").GetInt32());
        Assert.Equal(http2 ? "CONNECT" : "GET", record.Text("method"));
        Assert.Equal("203.0.113.7", record.Text("client_ip"));
        // The socket was open for the 1-s pause at least (timers may fire a millisecond early, hence a margin).
        Assert.True(record.GetProperty("duration_ms").GetDouble() >= 990, record.ToString());
        // Three 30,000-byte frames each way, plus a few bytes of framing (client frames are masked, so longer).
        Assert.InRange(record.GetProperty("bytes_in").GetInt64(), 90_000, 90_100);
        Assert.InRange(record.GetProperty("bytes_out").GetInt64(), 90_000, 90_100);
    }
}
