namespace EdgeProxy.Hosting;

/// <summary>The outcome of <see cref="EdgeProxyApplication.PrepareAsync"/>: a validated application, or what is wrong.</summary>
internal sealed record EdgeProxyStartup(WebApplication? App, IReadOnlyList<string> Errors, string Summary)
{
    /// <summary>What is valid but worth a word (unknown <c>Kestrel</c> keys, shadowed policies); <c>--check</c> prints them.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static EdgeProxyStartup Failed(IReadOnlyList<string> errors) => new(null, errors, "");
}
