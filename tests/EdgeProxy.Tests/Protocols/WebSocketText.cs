using System.Net.WebSockets;
using System.Text;

namespace EdgeProxy.Tests.Protocols;

/// <summary>Whole-message send and receive on a <see cref="WebSocket"/>, for either end.</summary>
public static class WebSocketText
{
    /// <summary>Reads one whole message into <paramref name="buffer"/> (a close frame gives <see cref="WebSocketMessageType.Close"/>).</summary>
    public static async Task<(WebSocketMessageType Type, int Length)> ReceiveMessageAsync(WebSocket socket, byte[] buffer, CancellationToken cancel)
    {
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancel);
            length += result.Count;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
            {
                return (result.MessageType, length);
            }
        }
    }

    public static Task SendTextAsync(WebSocket socket, string text, CancellationToken cancel = default) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancel);

    public static async Task<string> ReceiveTextAsync(WebSocket socket, CancellationToken cancel = default)
    {
        var buffer = new byte[64 * 1024];
        var (type, length) = await ReceiveMessageAsync(socket, buffer, cancel);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
