using EdgeProxy.Middleware.Requests;

namespace EdgeProxy.Tests.Middleware.Requests;

/// <summary>The canonical path and host on their own (the paths as Kestrel hands them over: decoded except %2F).</summary>
public sealed class CanonicalFormTests
{
    private static readonly RequestNormalizationOptions Defaults = new();

    [Theory]
    [InlineData("/", null)]
    [InlineData("/a/b", null)]
    [InlineData("/a%25b", null)]
    [InlineData("//a", "/a")]
    [InlineData("/a//b///c/", "/a/b/c/")]
    [InlineData("////", "/")]
    public void Repeated_slashes_are_merged_and_a_canonical_path_is_left_alone(string path, string? expected)
    {
        Assert.Equal(RequestRefusal.None, CanonicalPath.Canonicalize(path, Defaults, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("/a;b/c", RequestRefusal.PathParameter)]
    [InlineData("/..;/a", RequestRefusal.PathParameter)]
    [InlineData("/a%2Fb", RequestRefusal.EncodedSlash)]
    [InlineData("/a%2fb", RequestRefusal.EncodedSlash)]
    [InlineData("/a%5cb", RequestRefusal.EncodedSlash)]
    [InlineData("/a\\b", RequestRefusal.Backslash)]
    public void Ambiguous_spellings_are_refused_by_default(string path, RequestRefusal expected) =>
        Assert.Equal(expected, CanonicalPath.Canonicalize(path, Defaults, out _));

    [Fact]
    public void The_keys_turn_each_rule_off()
    {
        var lenient = new RequestNormalizationOptions { MergeSlashes = false, PathParameters = PathParameterHandling.Allow, EncodedSlashes = EncodedSlashHandling.Keep };
        foreach (var path in new[] { "//a;b", "/a%2Fb", "/a\\b" })
        {
            Assert.Equal(RequestRefusal.None, CanonicalPath.Canonicalize(path, lenient, out var canonical));
            Assert.Null(canonical);
        }
    }

    [Theory]
    [InlineData("example.com", null)]
    [InlineData("example.com:8443", null)]
    [InlineData("[::1]:8443", null)]
    [InlineData("127.0.0.1", null)]
    [InlineData("", null)]
    [InlineData("Example.COM", "example.com")]
    [InlineData("example.com.", "example.com")]
    [InlineData("Admin.Example.com.:8443", "admin.example.com:8443")]
    [InlineData("[::ABCD]:443", "[::abcd]:443")]
    public void A_host_is_lower_cased_and_loses_one_trailing_dot_with_its_port_kept(string host, string? expected)
    {
        Assert.True(CanonicalHost.TryCanonicalize(host, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a..")]
    [InlineData(".")]
    [InlineData("..:80")]
    public void A_host_with_an_empty_label_is_refused(string host) => Assert.False(CanonicalHost.TryCanonicalize(host, out _));
}
