using EdgeProxy.Admin;
using EdgeProxy.Hosting;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.Configuration;

public static class ConfigurationExtensions
{
    /// <summary>
    /// The configuration sources, in order of precedence: the one file, then the environment, then the command line.
    /// The file is read once: live changes reach the proxy only through <see cref="ProxyConfigReloader"/>, which
    /// validates before it swaps (the .NET file provider would hand out an empty configuration after a bad edit).
    /// </summary>
    public static ConfigurationManager UseEdgeProxyConfigFile(this ConfigurationManager configuration, EdgeProxyCommandLine command)
    {
        configuration.Sources.Clear();
        configuration.AddEdgeProxySources(command, File.ReadAllBytes(command.ConfigPath));
        return configuration;
    }

    internal static IConfigurationBuilder AddEdgeProxySources(this IConfigurationBuilder builder, EdgeProxyCommandLine command, byte[] fileContent)
    {
        if (!AddOverridableSources(new ConfigurationBuilder(), command, fileContent).Build().GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            // No listener named anywhere: the spec's defaults, at the lowest precedence.
            builder.AddInMemoryCollection(DefaultEndpoints);
        }

        return AddOverridableSources(builder, command, fileContent);
    }

    private static IConfigurationBuilder AddOverridableSources(IConfigurationBuilder builder, EdgeProxyCommandLine command, byte[] fileContent) =>
        builder
            .Add(new JsonBytesConfigurationSource(fileContent))
            .AddEnvironmentVariables()
            .AddCommandLine(command.ConfigurationArguments);

    private static readonly Dictionary<string, string?> DefaultEndpoints = new()
    {
        ["Kestrel:Endpoints:Http:Url"] = "http://0.0.0.0:8080",
        ["Kestrel:Endpoints:Https:Url"] = "https://0.0.0.0:8443",
    };

    /// <summary>Routes and clusters from the <c>ReverseProxy</c> section of the file, validated on every change before they apply.</summary>
    public static IReverseProxyBuilder LoadFromValidatedConfigFile(this IReverseProxyBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(new InMemoryConfigProvider([], []));
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>());
        services.AddSingleton<ProxyConfigLoader>();
        services.AddSingleton<ProxyConfigStatus>();
        services.AddStatusSection(sp => sp.GetRequiredService<ProxyConfigStatus>());
        services.AddSingleton<ProxyConfigReloader>();
        services.AddHostedService<ConfigFileWatcher>();
        services.AddOptions<ConfigFileWatcherOptions>().BindConfiguration(ConfigFileWatcherOptions.SectionName)
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{ConfigFileWatcherOptions.SectionName}:PollInterval must be positive")
            .ValidateOnStart();
        services.AddHealthChecks().AddCheck<ProxyConfigReadinessCheck>("proxy-config", tags: [AdminHealthTags.Ready]);
        return builder;
    }
}
