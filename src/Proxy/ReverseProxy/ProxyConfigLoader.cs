using EdgeProxy.Common;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeProxy.ReverseProxy;

/// <summary>
/// Turns the configuration file's bytes into routes and clusters with YARP's own binder and validator, and refuses what
/// YARP would accept but an operator never means: no routes at all, a route naming a cluster that does not exist, or a
/// key no binder reads (<see cref="StrictConfigCheck"/>, over the whole configuration, not only <c>ReverseProxy</c>).
/// </summary>
internal sealed class ProxyConfigLoader(
    EdgeProxyCommandLine command,
    IConfigValidator validator,
    IEnumerable<ILiveConfigSection> liveSections,
    StrictConfigCheck strictCheck,
    IOptions<UpstreamOptions> upstream)
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
        // Unknown keys and wrong shapes first: what the binders below would silently drop.
        var (errors, warnings) = strictCheck.Check(configuration, file);
        IProxyConfig config;
        try
        {
            config = BindWithYarp(configuration.GetSection(SectionName));
        }
        catch (Exception ex)
        {
            return ProxyConfigLoadResult.Failed([.. errors, $"{file}: {SectionName}: {ex.Message}"]);
        }

        var clusters = config.Clusters.Select(cluster => WithAdminUrlResolved(cluster, configuration)).ToList();

        // The live sections first (AccessPolicies, RateLimits): routes are judged against the versions in this same edit.
        var stages = liveSections.Select(section => section.Stage(configuration, file, errors)).ToList();
        if (config.Routes.Count == 0)
        {
            errors.Add($"{file}: {SectionName}:Routes: no routes are defined; refusing a configuration that would answer every request with 404");
        }

        var clusterIds = clusters.Select(c => c.ClusterId).ToHashSet(StringComparer.OrdinalIgnoreCase);
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

            if (route.ClusterId is not { Length: > 0 } clusterId)
            {
                // YARP accepts a route without a cluster and answers it with 503 forever.
                errors.Add($"{key}:ClusterId: missing; every route must name the cluster it forwards to");
            }
            else if (!clusterIds.Contains(clusterId))
            {
                errors.Add($"{key}:ClusterId: unknown cluster '{clusterId}' ({StrictConfigCheck.KnownNames(clusterIds)}){StrictConfigCheck.Suggest(clusterId, clusterIds)}");
            }
        }

        foreach (var cluster in clusters)
        {
            var key = $"{file}: {SectionName}:Clusters:{cluster.ClusterId}";
            foreach (var error in await validator.ValidateClusterAsync(cluster))
            {
                errors.Add($"{key}: {error.Message}");
            }

            errors.AddRange(CheckDestinations(key, cluster));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new ProxyConfigLoadResult(config.Routes, [.. clusters.Select(WithUpstreamDefaults)], errors)
        {
            Stages = stages,
            Warnings = [.. warnings, .. ShadowedPolicies.Find(config.Routes).Select(w => $"{file}: {w}")],
        };
    }

    /// <summary>Destinations written <c>{EdgeProxy:Admin:Url}/…</c> (the built-in whoami) on the admin listener as configured.</summary>
    private static ClusterConfig WithAdminUrlResolved(ClusterConfig cluster, IConfiguration configuration) =>
        cluster.Destinations?.Values.Any(d => AdminUrl.Resolve(d.Address, configuration) != d.Address) == true
            ? cluster with
            {
                Destinations = cluster.Destinations.ToDictionary(
                    d => d.Key,
                    d => d.Value with { Address = AdminUrl.Resolve(d.Value.Address, configuration)! },
                    StringComparer.OrdinalIgnoreCase),
            }
            : cluster;

    /// <summary><c>EdgeProxy:Upstream:ActivityTimeout</c> for a cluster that sets none of its own.</summary>
    private ClusterConfig WithUpstreamDefaults(ClusterConfig cluster) => cluster.HttpRequest?.ActivityTimeout is not null
        ? cluster
        : cluster with { HttpRequest = (cluster.HttpRequest ?? ForwarderRequestConfig.Empty) with { ActivityTimeout = upstream.Value.ActivityTimeout } };

    /// <summary>What YARP accepts but turns into 503s or failed requests: no destination, or an address that is not a URL.</summary>
    private static IEnumerable<string> CheckDestinations(string key, ClusterConfig cluster)
    {
        if (cluster.Destinations is not { Count: > 0 } destinations)
        {
            yield return $"{key}:Destinations: none; a cluster without destinations answers every request with 503";
            yield break;
        }

        foreach (var (id, destination) in destinations)
        {
            if (!Uri.TryCreate(destination.Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            {
                yield return $"{key}:Destinations:{id}:Address: '{destination.Address}' is not an absolute http:// or https:// URL with a host";
            }
        }
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
