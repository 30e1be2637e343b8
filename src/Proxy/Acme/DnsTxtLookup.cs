using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace EdgeProxy.Acme;

/// <summary>
/// A TXT query over UDP (RFC 1035), just enough to see that a DNS-01 record is visible before the CA is asked:
/// the configured resolvers, or the system's (<c>/etc/resolv.conf</c>).
/// </summary>
internal static class DnsTxtLookup
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<IPEndPoint> Resolvers(IReadOnlyList<string> configured)
    {
        if (configured.Count > 0)
        {
            return [.. configured.Select(r => IPEndPoint.Parse(r) is { Port: 0 } endpoint ? new IPEndPoint(endpoint.Address, 53) : IPEndPoint.Parse(r))];
        }

        try
        {
            return [.. File.ReadAllLines("/etc/resolv.conf")
                .Select(l => l.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 2 && p[0] == "nameserver" && IPAddress.TryParse(p[1], out _))
                .Select(p => new IPEndPoint(IPAddress.Parse(p[1]), 53))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>The TXT strings <paramref name="resolver"/> answers for <paramref name="name"/> (empty when none or no answer in time).</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(IPEndPoint resolver, string name, CancellationToken cancellationToken)
    {
        using var udp = new UdpClient(resolver.AddressFamily);
        var id = (ushort)Random.Shared.Next(ushort.MaxValue);
        var query = Query(id, name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueryTimeout);
        try
        {
            await udp.SendAsync(query, resolver, timeout.Token);
            while (true)
            {
                var answer = await udp.ReceiveAsync(timeout.Token);
                if (answer.RemoteEndPoint.Equals(resolver) && answer.Buffer.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(answer.Buffer) == id)
                {
                    return Parse(answer.Buffer);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
        catch (SocketException)
        {
            return [];
        }
    }

    internal static byte[] Query(ushort id, string name)
    {
        var packet = new List<byte>(512);
        packet.AddRange([(byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]); // RD, one question
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            packet.Add((byte)label.Length);
            packet.AddRange(Encoding.ASCII.GetBytes(label));
        }

        packet.AddRange([0, 0, 16, 0, 1]); // root, TXT, IN
        return [.. packet];
    }

    internal static IReadOnlyList<string> Parse(byte[] message)
    {
        var found = new List<string>();
        try
        {
            var questions = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4));
            var answers = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6));
            var at = 12;
            for (var i = 0; i < questions; i++)
            {
                at = SkipName(message, at) + 4;
            }

            for (var i = 0; i < answers; i++)
            {
                at = SkipName(message, at);
                var type = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at));
                var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at + 8));
                var data = message.AsSpan(at + 10, length);
                at += 10 + length;
                if (type != 16)
                {
                    continue;
                }

                // One TXT record: its character-strings joined.
                var text = new StringBuilder();
                while (data.Length > 0)
                {
                    text.Append(Encoding.ASCII.GetString(data.Slice(1, data[0])));
                    data = data[(1 + data[0])..];
                }

                found.Add(text.ToString());
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            // A truncated or malformed answer: what was read so far.
        }

        return found;
    }

    private static int SkipName(byte[] message, int at)
    {
        while (true)
        {
            var length = message[at];
            if (length == 0)
            {
                return at + 1;
            }

            if ((length & 0xC0) == 0xC0)
            {
                return at + 2; // a compression pointer ends the name
            }

            at += 1 + length;
        }
    }
}
