using EdgeProxy.Middleware.Hsts;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Middleware.Hsts;

/// <summary>The middleware alone: a <c>DefaultHttpContext</c>, a next delegate, and the response started by the test.</summary>
public sealed class HstsMiddlewareTests
{
    private static async Task<HttpContext> RunAsync(HstsOptions options, string scheme, RequestDelegate? next = null)
    {
        var (context, response) = StartableResponseFeature.NewContext();
        context.Request.Scheme = scheme;
        var middleware = new HstsMiddleware(next ?? (_ => Task.CompletedTask), Options.Create(options));
        await middleware.InvokeAsync(context);
        await response.StartAsync();
        return context;
    }

    private static HstsOptions Configured(string maxAge, bool includeSubDomains, bool preload) =>
        new() { MaxAge = TimeSpan.Parse(maxAge, System.Globalization.CultureInfo.InvariantCulture), IncludeSubDomains = includeSubDomains, Preload = preload };

    [Theory]
    [InlineData("365.00:00:00", true, false, "max-age=31536000; includeSubDomains")] // the defaults
    [InlineData("365.00:00:00", false, false, "max-age=31536000")]
    [InlineData("365.00:00:00", true, true, "max-age=31536000; includeSubDomains; preload")]
    [InlineData("730.00:00:00", true, true, "max-age=63072000; includeSubDomains; preload")]
    [InlineData("01:30:00", true, false, "max-age=5400; includeSubDomains")]
    [InlineData("00:00:59.9", false, false, "max-age=59")] // whole seconds, cut off
    [InlineData("00:00:00", false, false, "max-age=0")] // how a site takes HSTS back
    public async Task Https_responses_carry_the_header_for_the_options(string maxAge, bool includeSubDomains, bool preload, string expected)
    {
        var context = await RunAsync(Configured(maxAge, includeSubDomains, preload), "https");

        Assert.Equal(expected, context.Response.Headers.StrictTransportSecurity.ToString());
    }

    [Fact]
    public async Task Disabled_adds_nothing()
    {
        var context = await RunAsync(new HstsOptions { Enabled = false }, "https");

        Assert.False(context.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("365.00:00:00", true, false)]
    [InlineData("365.00:00:00", true, true)]
    [InlineData("00:00:00", false, false)]
    public async Task Plain_http_never_gets_it(string maxAge, bool includeSubDomains, bool preload)
    {
        var context = await RunAsync(Configured(maxAge, includeSubDomains, preload), "http", c =>
        {
            c.Response.StatusCode = 404;
            return Task.CompletedTask;
        });

        Assert.False(context.Response.Headers.ContainsKey("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData(308)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Error_and_redirect_responses_get_it_too(int status)
    {
        var context = await RunAsync(new HstsOptions(), "https", c =>
        {
            c.Response.StatusCode = status;
            return Task.CompletedTask;
        });

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("max-age=31536000; includeSubDomains", context.Response.Headers.StrictTransportSecurity.ToString());
    }

    [Fact]
    public async Task A_response_written_after_next_threw_gets_it_as_it_starts()
    {
        var (context, response) = StartableResponseFeature.NewContext();
        context.Request.Scheme = "https";
        var middleware = new HstsMiddleware(_ => throw new InvalidOperationException("backend failed"), Options.Create(new HstsOptions()));

        await Assert.ThrowsAsync<InvalidOperationException>(() => middleware.InvokeAsync(context));
        // As an outer exception handler does: the 500 is written after the middleware has returned.
        context.Response.StatusCode = 500;
        Assert.False(context.Response.Headers.ContainsKey("Strict-Transport-Security")); // set as the response starts, not before
        await response.StartAsync();

        Assert.Equal("max-age=31536000; includeSubDomains", context.Response.Headers.StrictTransportSecurity.ToString());
    }

    [Fact]
    public async Task A_backend_header_is_kept_as_it_is_and_not_duplicated()
    {
        var context = await RunAsync(new HstsOptions { Preload = true }, "https", c =>
        {
            c.Response.Headers.StrictTransportSecurity = "max-age=60";
            return Task.CompletedTask;
        });

        Assert.Equal("max-age=60", Assert.Single(context.Response.Headers.StrictTransportSecurity));
    }
}
