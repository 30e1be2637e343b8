using EdgeProxy.Common;
using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Turns the configuration file's bytes into routes and clusters with YARP's own binder and validator, and refuses what
/// YARP would accept but an operator never means: no routes at all, or a route naming a cluster that does not exist.
/// </summary>
internal sealed class ProxyConfigLoader(EdgeProxyCommandLine command, IConfigValidator validator, IEnumerable<ILiveConfigSection> liveSections)
{
    public const string SectionName = "ReverseProxy";

    public async Task<ProxyConfigLoadResult> LoadAsync(ConfigFile configFile, CancellationToken cancellationToken = default)
    {
        var file = configFile.Path;
        if (configFile.JsonError is { } jsonError)
        {
            return ProxyConfigLoadResult.Failed(jsonError);
        }

        var configuration = new ConfigurationBuilder().AddEdgeProxySources(command, configFile).Build();
        IProxyConfig config;
        try
        {
            config = BindWithYarp(configuration.GetSection(SectionName));
        }
        catch (Exception ex)
        {
            return ProxyConfigLoadResult.Failed($"{file}: {SectionName}: {ex.Message}");
        }

        var errors = new List<string>();
        // The live sections first (AccessPolicies, RateLimits): routes are judged against the versions in this same edit.
        var stages = liveSections.Select(section => section.Stage(configuration, file, errors)).ToList();
        if (config.Routes.Count == 0)
        {
            errors.Add($"{file}: {SectionName}:Routes: no routes are defined; refusing a configuration that would answer every request with 404");
        }

        var clusterIds = config.Clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var route in config.Routes)
        {
            var key = $"{file}: {SectionName}:Routes:{route.RouteId}";
            var forYarp = route;
            foreach (var stage in stages)
            {
                stage.ValidateRoute(route, key, errors);
                forYarp = stage.ForYarpValidation(forYarp);
            }

            foreach (var error in await validator.ValidateRouteAsync(forYarp))
            {
                errors.Add($"{key}: {error.Message}");
            }

            if (route.ClusterId is { } clusterId && !clusterIds.Contains(clusterId))
            {
                errors.Add($"{key}:ClusterId: unknown cluster '{clusterId}'");
            }
        }

        foreach (var cluster in config.Clusters)
        {
            foreach (var error in await validator.ValidateClusterAsync(cluster))
            {
                errors.Add($"{file}: {SectionName}:Clusters:{cluster.ClusterId}: {error.Message}");
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new ProxyConfigLoadResult(config.Routes, config.Clusters, errors) { Stages = stages };
    }

    /// <summary>YARP's configuration binder is internal; a throw-away container with <c>LoadFromConfig</c> runs it on our section.</summary>
    private static IProxyConfig BindWithYarp(IConfigurationSection section)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddReverseProxy().LoadFromConfig(section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IProxyConfigProvider>().GetConfig();
    }
}
