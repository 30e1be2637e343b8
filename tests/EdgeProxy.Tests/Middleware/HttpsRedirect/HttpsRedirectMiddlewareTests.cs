using EdgeProxy.Middleware.HttpsRedirect;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Middleware.HttpsRedirect;

/// <summary>The middleware alone: a <c>DefaultHttpContext</c>, a next delegate that records being called, a server with the given listeners.</summary>
public sealed class HttpsRedirectMiddlewareTests
{
    private sealed class Server(params string[] addresses) : IServer
    {
        public IFeatureCollection Features { get; } = Bound(addresses);

        private static FeatureCollection Bound(string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            var features = new FeatureCollection();
            features.Set<IServerAddressesFeature>(feature);
            return features;
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
            throw new NotSupportedException();

        public Task StopAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private static readonly Server BoundTo8443 = new("http://127.0.0.1:8080", "https://127.0.0.1:8443");

    /// <summary>Runs one request; returns whether next was called, the status and the Location header.</summary>
    private static async Task<(bool NextCalled, int Status, string? Location)> RunAsync(
        HttpsRedirectOptions options, IServer server, string scheme, string? host, string path, string query = "", string method = "GET", string pathBase = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = scheme;
        if (host is not null)
        {
            context.Request.Host = new HostString(host);
        }

        context.Request.PathBase = new PathString(pathBase);
        context.Request.Path = new PathString(path);
        context.Request.QueryString = new QueryString(query);
        var nextCalled = false;
        var middleware = new HttpsRedirectMiddleware(_ =>
        {
            nextCalled = true;
            return Task.CompletedTask;
        }, Options.Create(options), server);

        await middleware.InvokeAsync(context);
        var location = context.Response.Headers.Location;
        return (nextCalled, context.Response.StatusCode, location.Count == 0 ? null : location.ToString());
    }

    [Theory]
    [InlineData("GET", "example.com", "/", "", "https://example.com:8443/")]
    [InlineData("GET", "example.com:8080", "/a/b", "?x=1&y=two", "https://example.com:8443/a/b?x=1&y=two")]
    [InlineData("POST", "example.com", "/form", "?q=%20", "https://example.com:8443/form?q=%20")] // 308: the client repeats the POST
    [InlineData("GET", "[2001:db8::1]:8080", "/v6", "", "https://[2001:db8::1]:8443/v6")]
    [InlineData("GET", "example.com", "/caf\u00e9 menu", "", "https://example.com:8443/caf%C3%A9%20menu")]
    public async Task Plain_http_gets_a_308_to_the_same_host_path_and_query_on_the_bound_https_port(string method, string host, string path, string query, string expected)
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions(), BoundTo8443, "http", host, path, query, method);

        Assert.False(nextCalled);
        Assert.Equal(308, status);
        Assert.Equal(expected, location);
    }

    [Fact]
    public async Task The_path_base_is_kept()
    {
        var (_, status, location) = await RunAsync(new HttpsRedirectOptions(), BoundTo8443, "http", "example.com", "/x", "?a=b", pathBase: "/base");

        Assert.Equal(308, status);
        Assert.Equal("https://example.com:8443/base/x?a=b", location);
    }

    [Theory]
    [InlineData(4443, "https://example.com:4443/p?q=1")] // port-mapped: the port clients see, not the bound one
    [InlineData(443, "https://example.com/p?q=1")] // the default port is left out
    [InlineData(0, "https://example.com/p?q=1")]
    public async Task The_HttpsPort_option_wins_over_the_bound_port(int httpsPort, string expected)
    {
        var (_, status, location) = await RunAsync(new HttpsRedirectOptions { HttpsPort = httpsPort }, BoundTo8443, "http", "example.com:80", "/p", "?q=1");

        Assert.Equal(308, status);
        Assert.Equal(expected, location);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("https://127.0.0.1:443")]
    public async Task Without_a_bound_https_port_other_than_443_the_location_names_no_port(string addresses)
    {
        var server = new Server(addresses.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        var (_, status, location) = await RunAsync(new HttpsRedirectOptions(), server, "http", "example.com:8080", "/p");

        Assert.Equal(308, status);
        Assert.Equal("https://example.com/p", location);
    }

    [Fact]
    public async Task The_first_https_listener_is_the_one_named()
    {
        var server = new Server("http://[::]:8080", "https://[::]:9443", "https://127.0.0.1:10443");

        var (_, _, location) = await RunAsync(new HttpsRedirectOptions(), server, "http", "example.com", "/");

        Assert.Equal("https://example.com:9443/", location);
    }

    [Fact]
    public async Task Https_requests_pass_through()
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions(), BoundTo8443, "https", "example.com", "/p");

        Assert.True(nextCalled);
        Assert.Equal(200, status);
        Assert.Null(location);
    }

    [Fact]
    public async Task Disabled_lets_plain_http_through()
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions { Enabled = false }, BoundTo8443, "http", "example.com", "/p");

        Assert.True(nextCalled);
        Assert.Equal(200, status);
        Assert.Null(location);
    }

    [Theory]
    [InlineData("/.well-known/acme-challenge/token-123")]
    [InlineData("/.well-known/acme-challenge")]
    public async Task With_AcmeChallengeOverHttp_the_challenge_path_passes_through(string path)
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions { AcmeChallengeOverHttp = true }, BoundTo8443, "http", "example.com", path);

        Assert.True(nextCalled);
        Assert.Equal(200, status);
        Assert.Null(location);
    }

    [Theory]
    [InlineData(false, "/.well-known/acme-challenge/token-123")] // not enabled
    [InlineData(true, "/.well-known/acme-challenge-other")] // a whole segment only
    [InlineData(true, "/.well-known/ACME-CHALLENGE/token-123")] // case-sensitive
    [InlineData(true, "/x/.well-known/acme-challenge/token-123")] // at the root only
    [InlineData(true, "/.well-known/other")]
    public async Task Anything_else_is_redirected(bool acmeChallengeOverHttp, string path)
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions { AcmeChallengeOverHttp = acmeChallengeOverHttp }, BoundTo8443, "http", "example.com", path);

        Assert.False(nextCalled);
        Assert.Equal(308, status);
        Assert.Equal("https://example.com:8443" + path, location);
    }

    [Fact]
    public async Task A_request_without_host_gets_400_and_no_location()
    {
        var (nextCalled, status, location) = await RunAsync(new HttpsRedirectOptions(), BoundTo8443, "http", host: null, "/p");

        Assert.False(nextCalled);
        Assert.Equal(400, status);
        Assert.Null(location);
    }
}
