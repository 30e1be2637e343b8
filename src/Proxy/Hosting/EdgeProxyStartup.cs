namespace EdgeProxy.Hosting;

/// <summary>The outcome of <see cref="EdgeProxyApplication.PrepareAsync"/>: a validated application, or what is wrong.</summary>
internal sealed record EdgeProxyStartup(WebApplication? App, IReadOnlyList<string> Errors, string Summary)
{
    public static EdgeProxyStartup Failed(IReadOnlyList<string> errors) => new(null, errors, "");
}
