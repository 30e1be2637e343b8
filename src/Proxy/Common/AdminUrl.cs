namespace EdgeProxy.Common;

/// <summary>
/// <c>EdgeProxy:Admin:Url</c> as other features need it: the built-in whoami destination is written
/// <c>{EdgeProxy:Admin:Url}/whoami/</c> in the shipped configurations and resolved when routes are loaded, so moving only
/// the admin port keeps the default route working. A placeholder (rather than a default route built in code) keeps
/// the route visible and editable in the file, and an operator's own destinations are never rewritten.
/// </summary>
internal static class AdminUrl
{
    public const string Key = "EdgeProxy:Admin:Url";
    public const string Default = "http://127.0.0.1:9901";
    public const string Placeholder = "{" + Key + "}";

    /// <summary>
    /// <paramref name="address"/> with a leading <see cref="Placeholder"/> replaced by the admin URL as a client reaches
    /// it (a wildcard listen address becomes loopback); any other address unchanged.
    /// </summary>
    public static string? Resolve(string? address, IConfiguration configuration)
    {
        if (address is null || !address.StartsWith(Placeholder, StringComparison.OrdinalIgnoreCase))
        {
            return address;
        }

        var url = (configuration[Key] is { Length: > 0 } configured ? configured : Default).TrimEnd('/');
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            var host = uri.Host switch
            {
                "0.0.0.0" or "*" or "+" => "127.0.0.1",
                "[::]" or "::" => "[::1]",
                _ => uri.Host,
            };
            url = $"{uri.Scheme}://{host}:{uri.Port}";
        }

        return url + address[Placeholder.Length..];
    }
}
