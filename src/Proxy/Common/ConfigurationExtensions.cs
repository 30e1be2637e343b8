namespace EdgeProxy.Common;

internal static class ConfigurationExtensions
{
    /// <summary>
    /// The configuration sources, in order of precedence: the one file, then the environment, then the command line.
    /// The file's content is the one read at start: live changes reach the proxy only through the reverse-proxy
    /// reloader, which validates before it swaps (the .NET file provider would hand out an empty configuration after
    /// a bad edit).
    /// </summary>
    public static ConfigurationManager UseEdgeProxyConfigFile(this ConfigurationManager configuration, EdgeProxyCommandLine command, ConfigFile file)
    {
        configuration.Sources.Clear();
        configuration.AddEdgeProxySources(command, file);
        return configuration;
    }

    /// <summary>The same sources over <paramref name="file"/>, for a configuration built on its own (TLS policy, an edit being checked).</summary>
    public static IConfigurationBuilder AddEdgeProxySources(this IConfigurationBuilder builder, EdgeProxyCommandLine command, ConfigFile file)
    {
        builder.AddInMemoryCollection(EdgeLimits);
        if (!AddOverridableSources(new ConfigurationBuilder(), command, file).Build().GetSection(PublicEndpoints.SectionName).GetChildren().Any())
        {
            // No listener named anywhere: the spec's defaults, at the lowest precedence.
            builder.AddInMemoryCollection(DefaultEndpoints);
        }

        return AddOverridableSources(builder, command, file);
    }

    private static IConfigurationBuilder AddOverridableSources(IConfigurationBuilder builder, EdgeProxyCommandLine command, ConfigFile file) =>
        builder
            .Add(new JsonBytesConfigurationSource(file.Content))
            .AddEnvironmentVariables()
            .AddCommandLine(command.ConfigurationArguments);

    /// <summary>
    /// Kestrel's limits for an edge, at the lowest precedence (<c>Kestrel:Limits</c> in the file overrides each; the
    /// host's <c>KestrelLimitsSetup</c> applies them); docs/migrating.md lists them next to nginx's and HAProxy's defaults.
    /// </summary>
    internal static readonly Dictionary<string, string?> EdgeLimits = new()
    {
        ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:15",
        ["Kestrel:Limits:KeepAliveTimeout"] = "00:01:15",
        ["Kestrel:Limits:MaxRequestHeadersTotalSize"] = "32768",
        ["Kestrel:Limits:MaxRequestHeaderCount"] = "100",
        ["Kestrel:Limits:MaxRequestBodySize"] = "104857600",
        ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "240",
        ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:05",
        ["Kestrel:Limits:Http2:MaxStreamsPerConnection"] = "100",
        ["Kestrel:Limits:MaxConcurrentConnections"] = "10000",
        ["Kestrel:Limits:MaxConcurrentUpgradedConnections"] = "10000",
    };

    private static readonly Dictionary<string, string?> DefaultEndpoints = new()
    {
        [$"{PublicEndpoints.SectionName}:Http:Url"] = "http://0.0.0.0:8080",
        [$"{PublicEndpoints.SectionName}:Https:Url"] = "https://0.0.0.0:8443",
    };
}
