using System.Net;
using System.Net.Sockets;
using System.Numerics;
using EdgeProxy.Cloudflare;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>The sanity rules on their own: prefix length, forbidden ranges, address counts and growth.</summary>
public sealed class CloudflareRangeSanityTests
{
    private static readonly CloudflareRangeSanity Defaults = CloudflareRangeSanity.FromOptions(new CloudflareOptions());

    private static IPNetwork2 N(string cidr) => CidrParser.TryParse(cidr, null, out var network, out var error) ? network : throw new ArgumentException(error);

    private static IPNetwork2[] List(params string[] cidrs) => [.. cidrs.Select(N)];

    private static CloudflareRangeSanity Sanity(int maxGrowthPercent = 100, string[]? forbidden = null, string[]? fallback = null) =>
        new(List(forbidden ?? []), maxGrowthPercent, List(fallback ?? []));

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("8.0.0.0/7")]
    [InlineData("::/0")]
    [InlineData("2400::/15")]
    public void A_prefix_shorter_than_8_or_16_is_refused(string cidr)
    {
        var rejection = Defaults.CheckRanges(List("104.16.0.0/13", cidr));

        Assert.Equal(RangeRejection.PrefixTooShort, rejection?.Reason);
        Assert.Contains($"'{cidr}'", rejection!.Message);
    }

    [Theory]
    [InlineData("45.0.0.0/8")]
    [InlineData("2400::/16")]
    [InlineData("104.16.0.1/32")]
    [InlineData("2606:4700::1/128")]
    public void The_shortest_allowed_prefixes_and_single_addresses_pass(string cidr) => Assert.Null(Defaults.CheckRanges(List(cidr)));

    [Theory]
    [InlineData("10.1.2.0/24", "10.0.0.0/8")] // inside a forbidden range
    [InlineData("192.0.0.0/8", "192.0.0.0/24")] // around one (also around 192.0.2.0/24 and 192.168.0.0/16; the first is named)
    [InlineData("100.127.255.255/32", "100.64.0.0/10")] // its last address
    [InlineData("172.31.0.0/16", "172.16.0.0/12")]
    [InlineData("233.0.0.0/8", "224.0.0.0/3")]
    [InlineData("::1/128", "::/127")]
    [InlineData("64:ff9b::/96", "64:ff9b::/96")]
    [InlineData("2001:db8:1::/48", "2001:db8::/32")]
    [InlineData("fd12:3456::/32", "fc00::/7")]
    [InlineData("fe80::/64", "fe80::/10")]
    public void A_range_overlapping_a_default_forbidden_range_is_refused(string cidr, string forbidden)
    {
        var rejection = Defaults.CheckRanges(List("104.16.0.0/13", "2606:4700::/32", cidr));

        Assert.Equal(RangeRejection.ForbiddenRange, rejection?.Reason);
        Assert.Equal($"'{N(cidr)}' overlaps the forbidden range {forbidden} (EdgeProxy:Cloudflare:ForbiddenRanges)", rejection!.Message);
    }

    [Theory]
    [InlineData("11.0.0.0/8")] // next to 10.0.0.0/8
    [InlineData("100.128.0.0/9")] // just after 100.64.0.0/10
    [InlineData("172.32.0.0/11")] // just after 172.16.0.0/12
    [InlineData("::2/127")] // just after ::/127
    [InlineData("2001:db9::/32")]
    public void A_range_next_to_a_forbidden_range_passes(string cidr) => Assert.Null(Defaults.CheckRanges(List(cidr)));

    [Fact]
    public void The_shipped_snapshot_passes_the_default_checks() => Assert.Null(Defaults.CheckRanges(CloudflareRangeList.Snapshot.Ranges));

    [Fact]
    public void Every_default_forbidden_range_is_refused_as_a_cloudflare_range()
    {
        foreach (var cidr in CloudflareOptions.DefaultForbiddenRanges)
        {
            Assert.NotNull(Defaults.CheckRanges(List(cidr)));
        }
    }

    [Fact]
    public void A_forbidden_range_of_one_family_never_matches_the_other()
    {
        var sanity = Sanity(forbidden: ["0.0.0.0/8"]);

        Assert.Null(sanity.CheckRanges(List("::/16")));
        Assert.Equal(RangeRejection.ForbiddenRange, sanity.CheckRanges(List("0.1.0.0/16"))?.Reason);
    }

    [Fact]
    public void Configured_forbidden_ranges_replace_the_defaults()
    {
        var options = new CloudflareOptions { ForbiddenRanges = ["45.0.0.0/8"] };
        var sanity = CloudflareRangeSanity.FromOptions(options);

        Assert.Equal(["45.0.0.0/8"], options.EffectiveForbiddenRanges);
        Assert.Null(sanity.CheckRanges(List("10.0.0.0/8", "fc00::/16")));
        Assert.Equal(RangeRejection.ForbiddenRange, sanity.CheckRanges(List("45.1.0.0/16"))?.Reason);
        Assert.Equal(CloudflareOptions.DefaultForbiddenRanges, new CloudflareOptions().EffectiveForbiddenRanges);
    }

    public static TheoryData<string[], int, string> Counts => new()
    {
        { [], 4, "0" },
        { ["0.0.0.0/0"], 4, "4294967296" },
        { ["::/0"], 6, "340282366920938463463374607431768211456" }, // 2^128: more than UInt128 holds
        { ["10.0.0.0/8", "10.1.0.0/16"], 4, "16777216" }, // a range inside another counts once
        { ["10.0.0.0/9", "10.128.0.0/9"], 4, "16777216" }, // adjacent halves
        { ["10.0.0.0/16", "10.0.0.0/16", "11.0.0.0/24"], 4, "65792" }, // duplicates count once
        { ["10.0.0.0/8", "2001:db8::/32"], 4, "16777216" }, // the other family is not counted
        { ["10.0.0.0/8", "2001:db8::/32", "2001:db8::/48"], 6, "79228162514264337593543950336" }, // 2^96
        { ["::/1", "8000::/1"], 6, "340282366920938463463374607431768211456" },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Address_counts_are_per_family_and_count_overlaps_once(string[] cidrs, int family, string expected)
    {
        var count = CloudflareRangeSanity.CountAddresses(List(cidrs), family == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);

        Assert.Equal(BigInteger.Parse(expected), count);
    }

    [Fact]
    public void Growth_up_to_the_limit_passes_and_beyond_it_is_refused()
    {
        var live = List("45.0.0.0/24", "2400:cb00::/32");

        // 256 -> 512 addresses: exactly +100 %.
        Assert.Null(Sanity(100).CheckGrowth(List("45.0.0.0/24", "45.0.1.0/24", "2400:cb00::/32"), live));
        var refused = Sanity(100).CheckGrowth(List("45.0.0.0/24", "45.0.1.0/24", "45.0.2.0/32", "2400:cb00::/32"), live);
        Assert.Equal(RangeRejection.Growth, refused?.Reason);
        Assert.Equal("the IPv4 address count would grow by 101%, from 256 (the live list's) to 513: more than 100% (EdgeProxy:Cloudflare:MaxGrowthPercent)", refused!.Message);

        // MaxGrowthPercent 0: not a single address more, but the same or fewer is fine.
        Assert.Equal(RangeRejection.Growth, Sanity(0).CheckGrowth(List("45.0.0.0/24", "45.0.2.0/32", "2400:cb00::/32"), live)?.Reason);
        Assert.Null(Sanity(0).CheckGrowth(List("45.0.0.128/25", "2400:cb00::/32"), live));
    }

    [Fact]
    public void Each_family_is_held_to_the_limit_on_its_own()
    {
        var live = List("45.0.0.0/24", "2400:cb00::/32");

        // The IPv6 count dwarfs any IPv4 change, so a sum over both families would let the IPv4 growth through.
        var refused = Sanity(100).CheckGrowth(List("45.0.0.0/22", "2400:cb00::/32"), live);

        Assert.Equal(RangeRejection.Growth, refused?.Reason);
        Assert.StartsWith("the IPv4 address count would grow by 300%", refused!.Message);
        var v6 = Sanity(100).CheckGrowth(List("45.0.0.0/24", "2400:cb00::/30"), live);
        Assert.StartsWith("the IPv6 address count would grow by 300%, from 2^96 (the live list's) to 2^98", v6?.Message);
    }

    [Fact]
    public void Overlapping_ranges_do_not_make_a_list_look_larger()
    {
        var live = List("45.0.0.0/16");

        Assert.Null(Sanity(0).CheckGrowth(List("45.0.0.0/16", "45.0.0.0/17", "45.0.128.0/17", "45.0.3.0/24"), live));
    }

    [Fact]
    public void A_family_the_live_list_lacks_is_compared_with_the_fallback()
    {
        var live = List("45.0.0.0/24"); // no IPv6 at all
        var sanity = Sanity(100, fallback: ["2400:cb00::/32"]);

        Assert.Null(sanity.CheckGrowth(List("45.0.0.0/24", "2400:cb00::/31"), live));
        var refused = sanity.CheckGrowth(List("45.0.0.0/24", "2400:cb00::/30"), live);
        Assert.Equal(RangeRejection.Growth, refused?.Reason);
        Assert.Contains("the live list has no IPv6 ranges, so the shipped snapshot's", refused!.Message);

        // With nothing to compare with either, any address of that family is growth from none.
        var none = Sanity(100).CheckGrowth(List("45.0.0.0/24", "2400:cb00::/128"), live);
        Assert.Equal(RangeRejection.Growth, none?.Reason);
        Assert.StartsWith("the IPv6 address count would grow from none", none!.Message);
    }

    [Fact]
    public void The_shipped_snapshot_is_the_default_fallback()
    {
        // Snapshot: 14 x 2^96 IPv6 addresses (a /29 and six /32), so up to 28 x 2^96 passes with the default 100 %.
        var live = List("45.0.0.0/24");

        Assert.Null(Defaults.CheckGrowth(List("45.0.0.0/24", "2400::/28", "2401::/29", "2402::/30"), live)); // 28 x 2^96
        Assert.Equal(RangeRejection.Growth, Defaults.CheckGrowth(List("45.0.0.0/24", "2400::/27"), live)?.Reason); // 32 x 2^96
    }

    [Fact]
    public void A_smaller_list_is_not_growth()
    {
        Assert.Null(Sanity(0).CheckGrowth(List("45.0.0.0/25"), List("45.0.0.0/24", "2400:cb00::/32")));
    }
}
