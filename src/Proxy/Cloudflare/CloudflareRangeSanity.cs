using System.Globalization;
using System.Net.Sockets;
using System.Numerics;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Cloudflare;

/// <summary>
/// What a range list must look like before anyone in it may state a client IP, so that a poisoned or broken source
/// cannot make everyone trusted. The static checks (<see cref="CheckRanges"/>: prefix length, forbidden ranges) apply to
/// every fetched answer and to the cache file at start; <see cref="CheckGrowth"/> compares a fetched list with the live
/// one and the shipped snapshot. No I/O and no clock, so every rule is testable on its own.
/// </summary>
internal sealed class CloudflareRangeSanity
{
    /// <summary>Shorter prefixes are refused: Cloudflare publishes nothing near this size, and a /0 would trust everyone.</summary>
    public const int MinIPv4Prefix = 8;

    public const int MinIPv6Prefix = 16;

    private static readonly AddressFamily[] Families = [AddressFamily.InterNetwork, AddressFamily.InterNetworkV6];

    private readonly (IPNetwork2 Network, UInt128 Start, UInt128 End)[] _forbidden;
    private readonly int _maxGrowthPercent;
    private readonly IReadOnlyList<IPNetwork2> _growthFallback;

    /// <param name="forbidden">No accepted range may overlap one of these.</param>
    /// <param name="maxGrowthPercent">How much larger either family's address count may get than the live list's.</param>
    /// <param name="growthFallback">
    /// The baseline for a family the live list has no addresses of (the shipped snapshot, which has both), so that a
    /// family appearing from nowhere is held to a known size instead of being refused forever or allowed any size.
    /// </param>
    public CloudflareRangeSanity(IReadOnlyList<IPNetwork2> forbidden, int maxGrowthPercent, IReadOnlyList<IPNetwork2> growthFallback)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxGrowthPercent);
        _forbidden = [.. forbidden.Select(f => (f, f.Bounds().First, f.Bounds().Last))];
        _maxGrowthPercent = maxGrowthPercent;
        _growthFallback = growthFallback;
    }

    /// <summary>From validated options: <c>EffectiveForbiddenRanges</c>, <c>MaxGrowthPercent</c>, and the shipped snapshot as fallback.</summary>
    public static CloudflareRangeSanity FromOptions(CloudflareOptions options) =>
        new([.. options.EffectiveForbiddenRanges.Select(ParseForbidden)], options.MaxGrowthPercent, CloudflareRangeList.Snapshot.Ranges);

    /// <summary>The first range that is too wide or overlaps a forbidden range, as a rejection; null when all are fine.</summary>
    public RangeRejection? CheckRanges(IEnumerable<IPNetwork2> ranges)
    {
        foreach (var range in ranges)
        {
            var v4 = range.AddressFamily == AddressFamily.InterNetwork;
            var minimum = v4 ? MinIPv4Prefix : MinIPv6Prefix;
            if (range.Cidr < minimum)
            {
                return new RangeRejection(RangeRejection.PrefixTooShort,
                    $"'{range}' is a /{range.Cidr}: {(v4 ? "IPv4" : "IPv6")} prefixes shorter than /{minimum} are refused");
            }

            var (start, end) = range.Bounds();
            foreach (var forbidden in _forbidden)
            {
                if (forbidden.Network.AddressFamily == range.AddressFamily && start <= forbidden.End && forbidden.Start <= end)
                {
                    return new RangeRejection(RangeRejection.ForbiddenRange,
                        $"'{range}' overlaps the forbidden range {forbidden.Network} (EdgeProxy:Cloudflare:ForbiddenRanges)");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Refuses <paramref name="fetched"/> when, for IPv4 or IPv6, its address count exceeds the live list's by more than
    /// <c>MaxGrowthPercent</c>. A family the live list has no addresses of is compared with the fallback (the snapshot).
    /// </summary>
    public RangeRejection? CheckGrowth(IReadOnlyList<IPNetwork2> fetched, IReadOnlyList<IPNetwork2> live) =>
        CheckGrowthOver(fetched, live, "the live list's");

    /// <summary>
    /// The same limit over the fallback (the shipped snapshot), so that a source that stays poisoned cannot ratchet the
    /// list up by one allowed step per refresh, nor a cache file bring back a list that did.
    /// </summary>
    public RangeRejection? CheckGrowthOverSnapshot(IReadOnlyList<IPNetwork2> fetched) =>
        CheckGrowthOver(fetched, _growthFallback, "the shipped snapshot's");

    private RangeRejection? CheckGrowthOver(IReadOnlyList<IPNetwork2> fetched, IReadOnlyList<IPNetwork2> live, string baseline)
    {
        foreach (var family in Families)
        {
            var after = CountAddresses(fetched, family);
            var before = CountAddresses(live, family);
            var fromFallback = before.IsZero;
            var reference = fromFallback ? CountAddresses(_growthFallback, family) : before;
            if (after * 100 <= reference * (100 + _maxGrowthPercent))
            {
                continue;
            }

            var name = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
            // Rounded up, so that a refusal never reads "by 100%: more than 100%".
            var growth = reference.IsZero ? "from none" : $"by {(((after - reference) * 100) + reference - 1) / reference}%";
            var compared = fromFallback ? $"the live list has no {name} ranges, so the shipped snapshot's" : baseline;
            return new RangeRejection(RangeRejection.Growth,
                $"the {name} address count would grow {growth}, from {FormatCount(reference)} ({compared}) to {FormatCount(after)}: " +
                $"more than {_maxGrowthPercent}% (EdgeProxy:Cloudflare:MaxGrowthPercent)");
        }

        return null;
    }

    /// <summary>Addresses of <paramref name="family"/> covered by <paramref name="ranges"/>; overlapping ranges count once.</summary>
    public static BigInteger CountAddresses(IEnumerable<IPNetwork2> ranges, AddressFamily family)
    {
        // BigInteger: ::/0 holds 2^128 addresses, one more than UInt128 can.
        var total = BigInteger.Zero;
        var merged = (Start: UInt128.Zero, End: UInt128.Zero);
        var any = false;
        foreach (var (start, end) in ranges.Where(r => r.AddressFamily == family).Select(r => r.Bounds()).OrderBy(b => b.First))
        {
            if (any && start <= merged.End)
            {
                merged.End = UInt128.Max(merged.End, end);
                continue;
            }

            if (any)
            {
                total += (BigInteger)(merged.End - merged.Start) + 1;
            }

            merged = (start, end);
            any = true;
        }

        return any ? total + (BigInteger)(merged.End - merged.Start) + 1 : total;
    }

    private static string FormatCount(BigInteger count) =>
        count <= uint.MaxValue ? count.ToString(CultureInfo.InvariantCulture) : $"2^{BigInteger.Log(count, 2).ToString("0.##", CultureInfo.InvariantCulture)}";

    private static IPNetwork2 ParseForbidden(string text, int index) =>
        CidrParser.TryParse(text, null, out var network, out var error)
            ? network
            : throw new InvalidOperationException($"{CloudflareOptions.SectionName}:ForbiddenRanges:{index}: {error}");
}
