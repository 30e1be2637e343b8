using System.Buffers.Binary;
using System.Net.Sockets;

namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// An immutable set of trusted networks with an allocation-free membership test for the request path: the networks are
/// flattened into sorted, disjoint address intervals (IPv4 as <see cref="uint"/>, IPv6 as <see cref="UInt128"/>) and
/// searched by bisection. IPNetwork2's own <c>Contains</c> allocates on every call, so it is used only to explain a match.
/// </summary>
public sealed class TrustedNetworkSet
{
    private readonly uint[] _v4Starts;
    private readonly uint[] _v4Ends;
    private readonly UInt128[] _v6Starts;
    private readonly UInt128[] _v6Ends;

    public TrustedNetworkSet(IEnumerable<TrustedNetwork> networks)
    {
        Networks = [.. networks];
        (_v4Starts, _v4Ends) = Flatten(Networks.Where(n => n.Network.AddressFamily == AddressFamily.InterNetwork)
            .Select(n => n.Network.Bounds()).Select(b => ((uint)b.First, (uint)b.Last)));
        (_v6Starts, _v6Ends) = Flatten(Networks.Where(n => n.Network.AddressFamily == AddressFamily.InterNetworkV6)
            .Select(n => n.Network.Bounds()));
    }

    public static TrustedNetworkSet Empty { get; } = new([]);

    public IReadOnlyList<TrustedNetwork> Networks { get; }

    public int Count => Networks.Count;

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 counts as IPv4) lies in a trusted network.</summary>
    public bool Contains(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        if (written == 4)
        {
            return Search(_v4Starts, _v4Ends, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        // ::ffff:a.b.c.d is an IPv4 peer seen through a dual-stack socket.
        if (bytes[..10].IndexOfAnyExcept((byte)0) < 0 && bytes[10] == 0xff && bytes[11] == 0xff)
        {
            return Search(_v4Starts, _v4Ends, BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]));
        }

        return Search(_v6Starts, _v6Ends, BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>The first network that contains <paramref name="address"/>, for explanations; not for the request path.</summary>
    public TrustedNetwork? Explain(IPAddress address)
    {
        var normalized = address.Unmapped();
        return Networks.FirstOrDefault(n => n.Network.AddressFamily == normalized.AddressFamily && n.Network.Contains(normalized));
    }

    private static bool Search<T>(T[] starts, T[] ends, T value) where T : IComparable<T>
    {
        // Index of the last interval starting at or before value.
        var lo = 0;
        var hi = starts.Length - 1;
        var found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (starts[mid].CompareTo(value) <= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && ends[found].CompareTo(value) >= 0;
    }

    /// <summary>Sorts intervals and merges overlapping or adjacent ones, so that one bisection decides.</summary>
    private static (T[] Starts, T[] Ends) Flatten<T>(IEnumerable<(T Start, T End)> intervals) where T : struct, IComparable<T>, System.Numerics.IIncrementOperators<T>, System.Numerics.IMinMaxValue<T>, IEquatable<T>
    {
        var starts = new List<T>();
        var ends = new List<T>();
        foreach (var (start, end) in intervals.OrderBy(i => i.Start))
        {
            if (ends.Count > 0 && (ends[^1].Equals(T.MaxValue) || start.CompareTo(Next(ends[^1])) <= 0))
            {
                if (end.CompareTo(ends[^1]) > 0)
                {
                    ends[^1] = end;
                }
            }
            else
            {
                starts.Add(start);
                ends.Add(end);
            }
        }

        return ([.. starts], [.. ends]);

        static T Next(T value)
        {
            var next = value;
            next++;
            return next;
        }
    }
}
