using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeProxy.Reliability;

/// <summary>Request-level attacks, each sent raw over TLS: oversized headers, request smuggling shapes (CL+TE and
/// friends) and HTTP/2 rapid reset (HEADERS then RST_STREAM, as fast as the socket takes them). Figures: the answers,
/// and the proxy's CPU (share of one core) while the attacks run.</summary>
public static class Attacks
{
    private static readonly (string Name, string Request)[] Smuggling =
    [
        ("CL+TE", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
        ("TE+CL, TE obfuscated", "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\n5c\r\n"),
        ("two Content-Length", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"),
        ("space before colon", "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
    ];

    public static async Task<Row> RunAsync(Harness harness)
    {
        var proxy = await harness.StartProxyWithOneBackendAsync();

        var cpuBefore = proxy.Process.CpuMicroseconds();
        var clock = Stopwatch.StartNew();

        var oversized = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            oversized.Add(await Raw.StatusOfAsync(proxy.Port, $"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 64 * 1024)}\r\n\r\n"));
        }

        var smuggling = new List<string>();
        foreach (var (name, request) in Smuggling)
        {
            var answers = new List<int>();
            for (var i = 0; i < 25; i++)
            {
                answers.Add(await Raw.StatusOfAsync(proxy.Port, request));
            }

            smuggling.Add($"{name} {Summary(answers)}");
        }

        var resets = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RapidResetAsync(proxy.Port)));
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = (proxy.Process.CpuMicroseconds() - cpuBefore) / 1e6 / seconds;
        var stillServes = await new Load().RunAsync(proxy.Url(), workers: 2, TimeSpan.FromSeconds(2), maxRequests: 200);
        return new Row("oversized headers, CL+TE smuggling attempts, HTTP/2 rapid reset", string.Create(CultureInfo.InvariantCulture,
            $"64 KB header: {Summary(oversized)}; {string.Join("; ", smuggling)}; rapid reset on 4 connections: {string.Join(", ", resets)}; proxy CPU {cpu * 100:0} % of a core over {seconds:0.0} s; afterwards {Load.Failures(stillServes)} normal requests failed"));
    }

    private static string Summary(List<int> statuses) =>
        string.Join(" ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()}×{(g.Key == 0 ? "closed" : g.Key.ToString(CultureInfo.InvariantCulture))}"));

    /// <summary>Opens HTTP/2 streams and resets each at once, up to 20,000 streams or 10 s; returns what ended it.</summary>
    private static async Task<string> RapidResetAsync(int port)
    {
        var (tcp, tls) = await Raw.ConnectAsync(port, "h2");
        using (tcp)
        await using (tls)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            string? goAway = null;
            var received = new List<byte>();
            string? readEnd = null;
            var reader = Task.Run(async () =>
            {
                var header = new byte[9];
                try
                {
                    while (true)
                    {
                        await tls.ReadExactlyAsync(header, stop.Token);
                        var length = (header[0] << 16) | (header[1] << 8) | header[2];
                        var payload = new byte[length];
                        await tls.ReadExactlyAsync(payload, stop.Token);
                        received.Add(header[3]);
                        if (header[3] == 0x7 && length >= 8)
                        {
                            goAway = $"GOAWAY {ErrorName(BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)))}";
                            return;
                        }
                    }
                }
                catch (Exception e)
                {
                    readEnd = e.GetType().Name + ": " + e.Message;
                }
            });

            var sent = 0;
            var closed = false;
            try
            {
                await tls.WriteAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), stop.Token);
                await tls.WriteAsync(Frame(0x4, 0, 0, []), stop.Token); // SETTINGS
                while (received.Count == 0 && !reader.IsCompleted)
                {
                    await Task.Delay(10, stop.Token); // the proxy's SETTINGS first: the connection is up
                }

                // :method GET, :scheme https, :path / (static table), :authority localhost (literal, indexed name 1).
                byte[] block = [0x82, 0x87, 0x84, 0x41, 9, .. "localhost"u8];
                for (uint stream = 1; sent < 20_000 && goAway is null && !stop.IsCancellationRequested; stream += 2, sent++)
                {
                    var rst = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(rst, 0x8); // CANCEL
                    await tls.WriteAsync((byte[])[.. Frame(0x1, 0x5, stream, block), .. Frame(0x3, 0, stream, rst)], stop.Token);
                    if (sent % 100 == 99)
                    {
                        // A short pause every 100 streams, so the proxy may read all we sent before it closes.
                        await Task.Delay(5, stop.Token);
                    }
                }
            }
            catch (IOException)
            {
                closed = true;
            }
            catch (OperationCanceledException)
            {
            }

            await Task.WhenAny(reader, Task.Delay(2000));
            // A server that closes with our frames still unread sends a TCP reset, and the kernel drops whatever it had
            // not sent yet, a GOAWAY included: then all a client sees is the reset.
            var reset = readEnd?.Contains("reset", StringComparison.OrdinalIgnoreCase) == true;
            return $"{goAway ?? (reset ? "connection reset" : closed ? "connection closed" : "still open")} after {sent:N0} streams";
        }
    }

    private static byte[] Frame(byte type, byte flags, uint stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    private static string ErrorName(uint code) => code switch
    {
        0 => "NO_ERROR",
        1 => "PROTOCOL_ERROR",
        2 => "INTERNAL_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        _ => $"error {code}",
    };
}
