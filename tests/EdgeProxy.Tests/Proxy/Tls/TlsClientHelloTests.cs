using System.Buffers;
using System.Net.Security;
using System.Text;
using EdgeProxy.Tls;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>The server name and ALPN list read from a ClientHello before the handshake, and nothing thrown on garbage.</summary>
public sealed class TlsClientHelloTests
{
    private static byte[] Hello(string? serverName, params string[] protocols)
    {
        var extensions = new List<byte>();
        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            var entry = new List<byte> { 0, (byte)(name.Length >> 8), (byte)name.Length };
            entry.AddRange(name);
            extensions.AddRange(Extension(0, [(byte)(entry.Count >> 8), (byte)entry.Count, .. entry]));
        }

        if (protocols.Length > 0)
        {
            var list = protocols.SelectMany(p => new[] { (byte)p.Length }.Concat(Encoding.ASCII.GetBytes(p))).ToArray();
            extensions.AddRange(Extension(16, [(byte)(list.Length >> 8), (byte)list.Length, .. list]));
        }

        var body = new List<byte> { 3, 3 };
        body.AddRange(new byte[32]); // random
        body.Add(0); // session id
        body.AddRange([0, 2, 0x13, 0x01]); // one cipher suite
        body.AddRange([1, 0]); // null compression
        body.AddRange([(byte)(extensions.Count >> 8), (byte)extensions.Count]);
        body.AddRange(extensions);
        byte[] handshake = [1, 0, (byte)(body.Count >> 8), (byte)body.Count, .. body];
        return [22, 3, 1, (byte)(handshake.Length >> 8), (byte)handshake.Length, .. handshake];
    }

    private static byte[] Extension(int type, byte[] body) => [(byte)(type >> 8), (byte)type, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    [Fact]
    public void Server_name_and_protocols_are_read()
    {
        var hello = TlsClientHello.Parse(new ReadOnlySequence<byte>(Hello("app.example.com", "acme-tls/1", "h2")));
        Assert.Equal("app.example.com", hello.ServerName);
        Assert.Equal([new SslApplicationProtocol("acme-tls/1"), SslApplicationProtocol.Http2], hello.ApplicationProtocols);
    }

    [Fact]
    public void A_hello_without_extensions_has_no_name()
    {
        var hello = TlsClientHello.Parse(new ReadOnlySequence<byte>(Hello(null)));
        Assert.Null(hello.ServerName);
        Assert.Empty(hello.ApplicationProtocols);
    }

    [Fact]
    public void A_hello_split_over_two_records_is_read()
    {
        var whole = Hello("split.example.com", "h2");
        var handshake = whole[5..];
        var cut = handshake.Length / 2;
        byte[] records = [22, 3, 1, (byte)(cut >> 8), (byte)cut, .. handshake[..cut], 22, 3, 1, (byte)((handshake.Length - cut) >> 8), (byte)(handshake.Length - cut), .. handshake[cut..]];
        Assert.Equal("split.example.com", TlsClientHello.Parse(new ReadOnlySequence<byte>(records)).ServerName);
    }

    [Fact]
    public void Truncated_and_garbled_hellos_give_nothing_and_throw_nothing()
    {
        var whole = Hello("app.example.com", "h2");
        for (var length = 0; length < whole.Length; length++)
        {
            var hello = TlsClientHello.Parse(new ReadOnlySequence<byte>(whole[..length]));
            Assert.True(hello.ServerName is null or "app.example.com");
        }

        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var garbled = (byte[])whole.Clone();
            garbled[5 + random.Next(garbled.Length - 5)] = (byte)random.Next(256);
            _ = TlsClientHello.Parse(new ReadOnlySequence<byte>(garbled));
        }
    }
}
