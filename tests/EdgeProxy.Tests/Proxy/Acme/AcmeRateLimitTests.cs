using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeProxy.Acme;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>
/// A CA that answers with a rate limit: its <c>Retry-After</c> is honoured, longer than our own backoff, but never beyond
/// the longest one; a directory that points elsewhere is not followed.
/// </summary>
public sealed class AcmeRateLimitTests
{
    [Fact]
    public async Task A_rate_limited_order_waits_for_the_cas_retry_after()
    {
        var requests = new ConcurrentQueue<string>();
        var (ca, baseUri) = await LoopbackApp.StartAsync(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            requests.Enqueue($"{context.Request.Method} {path}");
            context.Response.Headers["Replay-Nonce"] = Guid.NewGuid().ToString("N");
            switch (path)
            {
                case "/dir":
                    await context.Response.WriteAsync(new JsonObject
                    {
                        ["newNonce"] = $"{context.Request.Scheme}://{context.Request.Host}/nonce",
                        ["newAccount"] = $"{context.Request.Scheme}://{context.Request.Host}/account",
                        ["newOrder"] = $"{context.Request.Scheme}://{context.Request.Host}/order",
                    }.ToJsonString());
                    break;
                case "/nonce":
                    break;
                default:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "7200";
                    context.Response.ContentType = "application/problem+json";
                    await context.Response.WriteAsync(new JsonObject
                    {
                        ["type"] = "urn:ietf:params:acme:error:rateLimited",
                        ["detail"] = "too many new registrations from this IP",
                    }.ToJsonString());
                    break;
            }
        });
        await using (ca)
        {
            var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
            config["EdgeProxy"]!["Acme"] = new JsonObject
            {
                ["Enabled"] = true,
                ["DirectoryUrl"] = $"{baseUri}dir",
                ["AcceptTermsOfService"] = true,
                ["Certificates"] = new JsonObject { ["site"] = Certificate("Http01", "limited.example.com") },
            };
            await using var proxy = await ProxyUnderTest.StartAsync(config);

            JsonObject? status = null;
            Assert.True(await Eventually.HoldsAsync(async () =>
            {
                status = CertificateStatus(await AcmeStatusAsync(proxy), "site");
                return (string?)status["state"] == "failed";
            }, TimeSpan.FromSeconds(30)), status?.ToJsonString());

            Assert.Contains("rateLimited", (string?)status!["lastError"], StringComparison.Ordinal);
            Assert.Contains("too many new registrations", (string?)status["lastError"], StringComparison.Ordinal);
            var last = DateTimeOffset.Parse((string)status["lastAttemptAt"]!, CultureInfo.InvariantCulture);
            var next = DateTimeOffset.Parse((string)status["nextRenewal"]!, CultureInfo.InvariantCulture);
            Assert.True(next - last >= TimeSpan.FromHours(2) - TimeSpan.FromSeconds(5), $"next attempt after {next - last}, the CA asked for 2 h");
            Assert.True(next - last > AcmeCertificateManager.FirstRetryDelay);

            var seen = requests.Count;
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(seen, requests.Count);
            Assert.Equal(1, requests.Count(r => r == "POST /account"));
        }
    }

    [Fact]
    public async Task A_retry_after_of_a_year_waits_the_longest_backoff_only()
    {
        await using var ca = await FakeCaAsync(retryAfter: "31536000", newAccountHost: null);
        await using var proxy = await ProxyUnderTest.StartAsync(Config(ca.Uri));

        var status = await FailedAsync(proxy);

        var next = DateTimeOffset.Parse((string)status["nextRenewal"]!, CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)status["lastAttemptAt"]!, CultureInfo.InvariantCulture);
        Assert.True(next <= AcmeCertificateManager.MaxRetryDelay + TimeSpan.FromSeconds(5), $"next attempt after {next}");
        Assert.True(next >= AcmeCertificateManager.MaxRetryDelay - TimeSpan.FromSeconds(5), $"next attempt after {next}");
    }

    [Fact]
    public async Task A_directory_that_points_to_another_host_is_not_followed()
    {
        await using var ca = await FakeCaAsync(retryAfter: null, newAccountHost: "127.0.0.9:1");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(ca.Uri));

        var status = await FailedAsync(proxy);

        Assert.Contains("the CA sent the URL 'http://127.0.0.9:1/account', which is not on its directory's http://127.0.0.1", (string?)status["lastError"], StringComparison.Ordinal);
        Assert.DoesNotContain(ca.Requests, r => r.Contains("account", StringComparison.Ordinal));
    }

    private static JsonObject Config(Uri ca)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Acme"] = new JsonObject
        {
            ["Enabled"] = true,
            ["DirectoryUrl"] = $"{ca}dir",
            ["AcceptTermsOfService"] = true,
            ["Certificates"] = new JsonObject { ["site"] = Certificate("Http01", "limited.example.com") },
        };
        return config;
    }

    private static async Task<JsonObject> FailedAsync(ProxyUnderTest proxy)
    {
        JsonObject? status = null;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            status = CertificateStatus(await AcmeStatusAsync(proxy), "site");
            return (string?)status["state"] == "failed";
        }, TimeSpan.FromSeconds(30)), status?.ToJsonString());
        return status!;
    }

    private sealed record FakeCa(IAsyncDisposable App, Uri Uri, ConcurrentQueue<string> Requests) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>A directory and nonces; every other request answered 429 with <paramref name="retryAfter"/>.</summary>
    private static async Task<FakeCa> FakeCaAsync(string? retryAfter, string? newAccountHost)
    {
        var requests = new ConcurrentQueue<string>();
        var (app, uri) = await LoopbackApp.StartAsync(async context =>
        {
            var path = context.Request.Path.Value ?? "";
            requests.Enqueue($"{context.Request.Method} {path}");
            context.Response.Headers["Replay-Nonce"] = Guid.NewGuid().ToString("N");
            var self = $"{context.Request.Scheme}://{context.Request.Host}";
            if (path == "/dir")
            {
                await context.Response.WriteAsync(new JsonObject
                {
                    ["newNonce"] = $"{self}/nonce",
                    ["newAccount"] = newAccountHost is null ? $"{self}/account" : $"http://{newAccountHost}/account",
                    ["newOrder"] = $"{self}/order",
                }.ToJsonString());
            }
            else if (path != "/nonce")
            {
                context.Response.StatusCode = 429;
                if (retryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync(new JsonObject { ["type"] = "urn:ietf:params:acme:error:rateLimited", ["detail"] = "slow down" }.ToJsonString());
            }
        });
        return new FakeCa(app, uri, requests);
    }
}
