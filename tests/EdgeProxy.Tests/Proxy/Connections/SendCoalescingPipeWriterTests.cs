using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using EdgeProxy.Connections;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>
/// The transport output under inline scheduling: straight through until the connection is known to be HTTP/2, then
/// through a pipe that a thread-pool pump hands on in batches; order, completion and a closed socket all carry through.
/// </summary>
public sealed class SendCoalescingPipeWriterTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Pipe _transport = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));

    private bool? _http2;

    private SendCoalescingPipeWriter Writer() => new(_transport.Writer, () => _http2, MemoryPool<byte>.Shared);

    private static async Task WriteAsync(PipeWriter writer, string text)
    {
        var result = await writer.WriteAsync(Encoding.ASCII.GetBytes(text));
        Assert.False(result.IsCompleted);
    }

    /// <summary>Everything the transport received until it is completed.</summary>
    private async Task<string> ReadAllAsync()
    {
        var text = new StringBuilder();
        while (true)
        {
            var result = await _transport.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
            text.Append(Encoding.ASCII.GetString(result.Buffer.ToArray()));
            _transport.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    /// <summary>What the transport holds right now, without waiting.</summary>
    private string ReadAvailable()
    {
        if (!_transport.Reader.TryRead(out var result))
        {
            return "";
        }

        var text = Encoding.ASCII.GetString(result.Buffer.ToArray());
        _transport.Reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    [Fact]
    public async Task Before_the_handshake_ends_and_on_HTTP_1_1_each_flush_reaches_the_transport_at_once()
    {
        var writer = Writer();
        await WriteAsync(writer, "handshake");
        Assert.Equal("handshake", ReadAvailable());
        Assert.False(writer.Coalescing);

        _http2 = false;
        await WriteAsync(writer, "request 1");
        Assert.Equal("request 1", ReadAvailable());

        // Decided for good: a later answer does not move an HTTP/1.1 connection.
        _http2 = true;
        await WriteAsync(writer, "request 2");
        Assert.Equal("request 2", ReadAvailable());
        Assert.False(writer.Coalescing);

        writer.Complete();
        Assert.Equal("", await ReadAllAsync());
        await writer.DrainAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task On_HTTP_2_writes_reach_the_transport_through_the_pump_in_order_and_completion_follows_them()
    {
        var writer = Writer();
        await WriteAsync(writer, "handshake;");
        _http2 = true;
        var expected = new StringBuilder("handshake;");
        for (var i = 0; i < 200; i++)
        {
            await WriteAsync(writer, $"frame {i};");
            expected.Append($"frame {i};");
        }

        Assert.True(writer.Coalescing);
        writer.Complete();
        Assert.Equal(expected.ToString(), await ReadAllAsync());
        await writer.DrainAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task The_switch_waits_for_bytes_written_straight_through_to_be_flushed()
    {
        var writer = Writer();
        writer.Write("part 1;"u8);

        // Known to be HTTP/2 now, but "part 1" is not flushed yet: it must not be overtaken.
        _http2 = true;
        writer.Write("part 2;"u8);
        Assert.False(writer.Coalescing);
        await writer.FlushAsync();
        await WriteAsync(writer, "part 3;");
        Assert.True(writer.Coalescing);

        writer.Complete();
        Assert.Equal("part 1;part 2;part 3;", await ReadAllAsync());
    }

    [Fact]
    public async Task A_completion_with_an_error_reaches_the_transport()
    {
        var writer = Writer();
        _http2 = true;
        await WriteAsync(writer, "frame;");
        writer.Complete(new InvalidOperationException("aborted"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(ReadAllAsync);
        Assert.Equal("aborted", error.Message);
        await writer.DrainAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task When_the_socket_is_gone_the_writer_learns_it_at_its_next_flush()
    {
        var writer = Writer();
        _http2 = true;
        await WriteAsync(writer, "frame;");
        _transport.Reader.Complete();

        // The pump meets the closed transport at its next send, then the writer's flushes report it.
        Assert.True(await Eventually.HoldsAsync(async () => (await writer.WriteAsync("more;"u8.ToArray())).IsCompleted, Deadline));
        await writer.DrainAsync().WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_pump_held_by_a_client_that_does_not_read_ends_when_the_socket_goes()
    {
        // A socket pipe that is full after 1 KB and never read: the pump waits in its flush, the writer behind it.
        var socket = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512, useSynchronizationContext: false));
        var writer = new SendCoalescingPipeWriter(socket.Writer, () => true, MemoryPool<byte>.Shared);
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                if ((await writer.WriteAsync(new byte[1000])).IsCompleted)
                {
                    return i;
                }
            }

            return 100;
        });
        Assert.False(await Eventually.HoldsAsync(() => Task.FromResult(writing.IsCompleted), TimeSpan.FromMilliseconds(300)));

        // Kestrel aborts the connection: the socket's side completes.
        socket.Reader.Complete();
        Assert.InRange(await writing.WaitAsync(Deadline), 1, 99);
        writer.Complete();
        await writer.DrainAsync().WaitAsync(Deadline);
    }
}
