using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeProxy.Acme;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static EdgeProxy.Tests.Proxy.Acme.AcmeTestProxy;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>A CA that answers with a rate limit: its <c>Retry-After</c> is honoured, longer than our own backoff.</summary>
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
}
