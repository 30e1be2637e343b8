using System.Buffers;
using System.Net.Security;
using System.Text;
using EdgeProxy.Tls;

namespace EdgeProxy.Tests.Proxy.Tls;

/// <summary>The server name and ALPN list read from a ClientHello before the handshake: when to read more, and nothing thrown on garbage.</summary>
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

    private static TlsClientHello Read(byte[] bytes)
    {
        Assert.True(TlsClientHello.TryRead(new ReadOnlySequence<byte>(bytes), out var hello));
        return hello;
    }

    [Fact]
    public void Server_name_and_protocols_are_read()
    {
        var hello = Read(Hello("app.example.com", "acme-tls/1", "h2"));

        Assert.Equal("app.example.com", hello.ServerName);
        Assert.Equal([new SslApplicationProtocol("acme-tls/1"), SslApplicationProtocol.Http2], hello.ApplicationProtocols);
    }

    [Fact]
    public void A_hello_without_extensions_has_no_name()
    {
        var hello = Read(Hello(null));

        Assert.Null(hello.ServerName);
        Assert.Empty(hello.ApplicationProtocols);
    }

    [Fact]
    public void A_hello_split_over_records_is_read_only_once_its_last_record_is_there()
    {
        var handshake = Hello("split.example.com", "h2")[5..];
        var records = new List<byte>();
        for (var at = 0; at < handshake.Length; at += 40)
        {
            var part = handshake[at..Math.Min(handshake.Length, at + 40)];
            records.AddRange([22, 3, 1, (byte)(part.Length >> 8), (byte)part.Length, .. part]);
        }

        byte[] all = [.. records];
        for (var length = 0; length < all.Length; length++)
        {
            Assert.False(TlsClientHello.TryRead(new ReadOnlySequence<byte>(all[..length]), out _), $"decided at {length} of {all.Length} bytes");
        }

        Assert.Equal("split.example.com", Read(all).ServerName);
    }

    [Fact]
    public void A_hello_arriving_a_byte_at_a_time_is_read_once_not_once_per_byte()
    {
        // A hello as long as allowed, in the tiniest records, each byte its own read: read again from the start at every
        // byte, it would cost two copies of up to 32 KB per byte, gigabytes for one connection.
        var handshake = Hello("slow.example.com", [.. Enumerable.Range(0, 2000).Select(i => $"p{i}"), "h2"])[5..];
        var records = new List<byte>();
        for (var at = 0; at < handshake.Length; at += 7)
        {
            var part = handshake[at..Math.Min(handshake.Length, at + 7)];
            records.AddRange([22, 3, 1, 0, (byte)part.Length, .. part]);
        }

        byte[] all = [.. records];
        Assert.InRange(all.Length, 16_384, TlsClientHello.MaxBytes);
        var reader = new TlsClientHelloReader();
        TlsClientHello? hello = null;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var length = 1; length <= all.Length && hello is null; length++)
        {
            hello = reader.TryRead(new ReadOnlySequence<byte>(all, 0, length), out var read) ? read : null;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Equal("slow.example.com", hello?.ServerName);
        Assert.Equal(new SslApplicationProtocol("p0"), hello!.ApplicationProtocols[0]);
        Assert.True(allocated < 4 * all.Length + 1_000_000, $"{allocated} bytes allocated to read a {all.Length}-byte hello");
    }

    [Fact]
    public void Only_the_first_protocols_of_a_long_alpn_list_are_kept()
    {
        var hello = Read(Hello("app.example.com", [.. Enumerable.Range(0, 1000).Select(i => $"p{i}")]));

        Assert.Equal(TlsClientHello.MaxApplicationProtocols, hello.ApplicationProtocols.Count);
        Assert.Equal(new SslApplicationProtocol("p0"), hello.ApplicationProtocols[0]);
        Assert.Equal("app.example.com", hello.ServerName);
    }

    [Fact]
    public void A_record_longer_than_tls_allows_ends_the_read_with_nothing()
    {
        // The 8 bytes that made Kestrel's own reader log an error (a length from 0x8000 up).
        var hello = Read([22, 3, 1, 0x80, 0x00, 1, 0, 0]);

        Assert.Same(TlsClientHello.Empty, hello);
        Assert.Same(TlsClientHello.Empty, Read([0x47, 0x45, 0x54, 0x20, 0x2F])); // "GET /": not TLS at all
    }

    [Fact]
    public void A_trailing_dot_is_the_same_name_and_an_empty_protocol_does_not_lose_it()
    {
        Assert.Equal("app.example.com", Read(Hello("app.example.com.", "h2")).ServerName);
        var hello = Read(Hello("app.example.com", "", "h2"));
        Assert.Equal("app.example.com", hello.ServerName);
        Assert.Equal([SslApplicationProtocol.Http2], hello.ApplicationProtocols);
    }

    [Fact]
    public void Read_as_it_arrives_in_pieces_it_decides_as_the_whole_read_at_once_would()
    {
        // Garbled hellos in several records, arriving in random pieces, each buffer a chain of segments (as a pipe gives).
        var handshake = Hello("pieces.example.com", "acme-tls/1", "h2")[5..];
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var records = new List<byte>();
            for (var at = 0; at < handshake.Length; at += 30)
            {
                var part = handshake[at..Math.Min(handshake.Length, at + 30)];
                records.AddRange([22, 3, 1, (byte)(part.Length >> 8), (byte)part.Length, .. part]);
            }

            byte[] all = [.. records];
            all[random.Next(all.Length)] = (byte)random.Next(256);
            var reader = new TlsClientHelloReader();
            var pieces = new List<byte[]>();
            for (var at = 0; at < all.Length;)
            {
                var piece = all[at..Math.Min(all.Length, at + 1 + random.Next(40))];
                pieces.Add(piece);
                at += piece.Length;
                var received = Segments(pieces);
                var decided = reader.TryRead(received, out var hello);
                Assert.Equal(TlsClientHello.TryRead(new ReadOnlySequence<byte>(all[..at]), out var whole), decided);
                if (decided)
                {
                    Assert.Equal((whole.ServerName, whole.ApplicationProtocols.Count), (hello.ServerName, hello.ApplicationProtocols.Count));
                    break;
                }
            }
        }
    }

    private static ReadOnlySequence<byte> Segments(List<byte[]> pieces)
    {
        var first = new Segment(pieces[0], 0);
        var last = first;
        foreach (var piece in pieces.Skip(1))
        {
            last = last.Append(piece);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    [Fact]
    public void Garbled_hellos_throw_nothing()
    {
        var whole = Hello("app.example.com", "h2");
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var garbled = (byte[])whole.Clone();
            garbled[5 + random.Next(garbled.Length - 5)] = (byte)random.Next(256);
            _ = TlsClientHello.TryRead(new ReadOnlySequence<byte>(garbled), out var hello);
            Assert.NotNull(hello);
        }
    }
}
