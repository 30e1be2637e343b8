using EdgeProxy.Tests.Infrastructure;
using System.Text.Json.Nodes;

namespace EdgeProxy.Tests.Proxy.Requests;

/// <summary>
/// Other spellings of a protected request, over HTTP/1.1 and HTTP/2, against a protected route beside a catch-all: each
/// is either judged by the protected route's policy (403) or refused (400); none reaches the public backend as
/// <c>/private/…</c>.
/// </summary>
public sealed class RequestNormalizationTests
{
    public static TheoryData<string, int, bool> Spellings => new()
    {
        // Merged slashes: the protected route matches and its policy refuses.
        { "//private/x", 403, false },
        { "///private//x", 403, false },
        { "/private//x", 403, false },
        { "//private/x", 403, true },
        { "///private//x", 403, true },
        // Dot segments (Kestrel resolves them, %2e forms included).
        { "/other/../private/x", 403, false },
        { "/other/%2e%2e/private/x", 403, false },
        // Path parameters: Tomcat and Spring map these back onto /private/x.
        { "/private;a=b/x", 400, false },
        { "/other/..;/private/x", 400, false },
        { "/private%3Ba=b/x", 400, false },
        { "/private;a=b/x", 400, true },
        { "/other/..;/private/x", 400, true },
        // Encoded slashes and backslashes.
        { "/%2fprivate/x", 400, false },
        { "/%2Fprivate/x", 400, true },
        { "/x/..%2Fprivate/x", 400, false },
        { "/%252fprivate/x", 400, false },
        { "/x%5C..%5Cprivate/x", 400, false },
        { "/x\\..\\private/x", 400, false },
        { "/%5Cprivate/x", 400, true },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public async Task Another_spelling_of_a_protected_path_is_judged_by_its_route_or_refused(string target, int expected, bool http2)
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync();

        var (status, body) = http2 ? await scenario.Http2Async(target) : await scenario.Http11Async(target);

        Assert.Equal(expected, status);
        Assert.DoesNotContain("backend=", body);
        Assert.Empty(scenario.PublicTargets);
        if (expected == 400)
        {
            Assert.StartsWith("Bad request: ", body);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_host_is_matched_lower_cased_and_without_its_trailing_dot(bool http2)
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync();

        foreach (var host in new[] { "admin.example.com", "admin.example.com.", "ADMIN.Example.Com.", "admin.example.com.:443" })
        {
            var (status, body) = http2 ? await scenario.Http2Async("/x", host) : await scenario.Http11Async("/x", host);
            Assert.True(status == 403, $"{host}: {status} {body}");
        }

        // An empty label is no host (HttpClient will not send one over HTTP/2).
        Assert.Equal(400, (await scenario.Http11Async("/x", "admin..example.com")).Status);
        Assert.Empty(scenario.PublicTargets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_backend_and_the_access_log_receive_the_canonical_path_and_host(bool http2)
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync();
        var host = "WWW.Example.COM.";

        var (status, body) = http2 ? await scenario.Http2Async("//public///a//b?q=1", host) : await scenario.Http11Async("//public///a//b?q=1", host);

        Assert.Equal(200, status);
        Assert.Contains("raw=/public/a/b?q=1 ", body);
        var record = await AccessLogFile.WaitForRecordAsync(scenario.AccessLogPath, r => r.Text("path").Contains("public", StringComparison.Ordinal));
        Assert.Equal("/public/a/b", record.Text("path"));
        Assert.Equal("www.example.com", record.Text("host"));
    }

    [Fact]
    public async Task A_refusal_is_logged_with_its_reason()
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync();

        Assert.Equal(400, (await scenario.Http11Async("/private;jsessionid=1/x")).Status);

        var record = await AccessLogFile.WaitForRecordAsync(scenario.AccessLogPath, r => r.Text("path").StartsWith("/private;", StringComparison.Ordinal));
        Assert.Equal(400, record.GetProperty("status").GetInt32());
        Assert.Equal("path parameter (';') refused", record.Text("error"));
    }

    [Fact]
    public async Task MergeSlashes_false_leaves_repeated_slashes_to_the_routes()
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync(new JsonObject { ["MergeSlashes"] = false });

        var (status, body) = await scenario.Http11Async("//public//a");

        Assert.Equal(200, status);
        Assert.Contains("raw=//public//a ", body);
    }

    [Fact]
    public async Task PathParameters_allow_keeps_the_segment_as_it_is()
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync(new JsonObject { ["PathParameters"] = "Allow" });

        var (status, body) = await scenario.Http11Async("/public;v=2/a");

        Assert.Equal(200, status);
        Assert.Contains("raw=/public;v=2/a ", body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EncodedSlashes_keep_forwards_them_as_received_and_never_matches_on_them(bool http2)
    {
        await using var scenario = await RequestNormalizationScenario.StartAsync(new JsonObject { ["EncodedSlashes"] = "Keep" });

        var (status, body) = http2 ? await scenario.Http2Async("/api/group%2Fproject/x%5Cy") : await scenario.Http11Async("/api/group%2Fproject/x%5Cy");
        Assert.Equal(200, status);
        Assert.Contains("raw=/api/group%2Fproject/x%5Cy ", body);

        // Kept, not decoded: "/%2Fprivate/x" is not the protected route's path, and reaches the catch-all as it came.
        (status, body) = await scenario.Http11Async("/x%2F..%2Fprivate/x");
        Assert.Equal(200, status);
        Assert.Contains("raw=/x%2F..%2Fprivate/x ", body);
    }
}
