using Yarp.ReverseProxy.Configuration;

namespace EdgeProxy.ReverseProxy;

/// <summary>Routes and clusters read from the file, with every reason they may not be applied.</summary>
internal sealed record ProxyConfigLoadResult(IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters, IReadOnlyList<string> Errors)
{
    /// <summary>The live sections read from the same file (access policies, rate limits), applied together with the routes.</summary>
    public IReadOnlyList<EdgeProxy.Common.ILiveConfigStage> Stages { get; init; } = [];

    /// <summary>What is valid but worth a word, file named: unknown <c>Kestrel</c> keys, routes that walk around a policy (<see cref="ShadowedPolicies"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool IsValid => Errors.Count == 0;

    public string Summary => $"{Routes.Count} route(s), {Clusters.Count} cluster(s)";

    public static ProxyConfigLoadResult Failed(params string[] errors) => new([], [], errors);
}
