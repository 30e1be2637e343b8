namespace EdgeProxy.Common;

/// <summary>What the configuration says about the public listeners (<c>Kestrel:Endpoints</c>).</summary>
internal static class PublicEndpoints
{
    public const string SectionName = "Kestrel:Endpoints";

    /// <summary>
    /// The <c>Protocols</c> keys that enable HTTP/3. Its QUIC handshake runs before any connection middleware and offers
    /// no client-certificate hook, so a feature that must see every connection first cannot work with it.
    /// </summary>
    public static IEnumerable<string> Http3Keys(IConfiguration configuration) =>
        configuration.GetSection(SectionName).GetChildren().Select(e => e.GetSection("Protocols"))
            .Append(configuration.GetSection("Kestrel:EndpointDefaults:Protocols"))
            .Where(p => p.Value?.Contains("Http3", StringComparison.OrdinalIgnoreCase) == true)
            .Select(p => p.Path);
}
