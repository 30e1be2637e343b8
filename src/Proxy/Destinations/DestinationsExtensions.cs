using EdgeProxy.Common;
using EdgeProxy.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Destinations;

internal static class DestinationsExtensions
{
    private const string InnerPolicyKey = "EdgeProxy.Destinations.Inner";

    /// <summary>
    /// Runtime states per destination (drain, maint, ready) set through the admin listener and kept in
    /// <c>DataPath/runtime-state.json</c>; the <c>destinations</c> section of <c>/status</c> with HAProxy's per-server
    /// detail. After <c>AddReverseProxy</c>: YARP's active health policies are wrapped to record each probe.
    /// </summary>
    public static IReverseProxyBuilder AddDestinationStates(this IReverseProxyBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<DestinationTraffic>();
        services.TryAddSingleton<RuntimeStateFile>();
        services.TryAddSingleton<DestinationStateStore>();
        services.TryAddSingleton<ActiveProbeRecorder>();
        services.TryAddSingleton<DestinationStatusClock>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DestinationStatusClock>(sp => sp.GetRequiredService<DestinationStatusClock>()));
        services.TryAddSingleton<DestinationsReport>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStatusSection, DestinationsReport>(sp => sp.GetRequiredService<DestinationsReport>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClusterChangeListener, DestinationChangeListener>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DestinationStatePruning>());
        services.AddMetricsPublisher<RuntimeStateMetrics>();
        services.TryAddSingleton<DestinationsEndpoint>();
        services.AddAdminRoute(DestinationsEndpoint.Path, sp => sp.GetRequiredService<DestinationsEndpoint>().HandleAsync, prefix: true);

        // Each of YARP's active health policies stays, keyed, behind a wrapper that records the probe results.
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IActiveHealthCheckPolicy) && !d.IsKeyedService && d.ImplementationType is not null).ToList())
        {
            var key = InnerPolicyKey + "." + descriptor.ImplementationType!.FullName;
            services.Remove(descriptor);
            services.Add(new ServiceDescriptor(typeof(IActiveHealthCheckPolicy), key, descriptor.ImplementationType!, descriptor.Lifetime));
            services.AddSingleton<IActiveHealthCheckPolicy>(sp => new RecordingHealthPolicy(
                sp.GetRequiredKeyedService<IActiveHealthCheckPolicy>(key), sp.GetRequiredService<ActiveProbeRecorder>()));
        }

        return builder;
    }

    /// <summary>Drained and maintenance destinations out of the request's choices: before session affinity and load balancing.</summary>
    public static IReverseProxyApplicationBuilder UseDestinationStates(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<RuntimeStateFilterMiddleware>();
        return proxy;
    }

    /// <summary>Requests in flight and body bytes per destination: after load balancing, once the destination is picked.</summary>
    public static IReverseProxyApplicationBuilder UseDestinationTraffic(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<DestinationTrafficMiddleware>();
        return proxy;
    }
}
