using EdgeProxy.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessControl;

internal static class AccessControlExtensions
{
    /// <summary>
    /// Per-route access policies (<c>EdgeProxy:AccessPolicies</c>, named by a route's <c>AuthorizationPolicy</c>) and
    /// rate limits (<c>EdgeProxy:RateLimits</c>, named by its <c>RateLimiterPolicy</c>), live with the routes.
    /// </summary>
    public static IServiceCollection AddAccessControl(this IServiceCollection services)
    {
        services.TryAddSingleton<AccessControlState>();
        services.TryAddSingleton<AccessControlCounters>();
        services.AddOptions<AccessControlOptions>().BindConfiguration(AccessControlOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessControlOptions>, AccessControlOptionsValidator>());
        services.TryAddSingleton(sp => new ClientKey(sp.GetRequiredService<IOptions<AccessControlOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessPolicyOptions>, AccessPolicyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.AddLiveConfigSection<AccessControlConfigSection>();
        services.AddConfigSchema(AccessControlOptions.SectionName, ConfigSchema.Of<AccessControlOptions>());
        services.AddConfigSchema(AccessPolicyOptions.SectionName, ConfigSchema.NamedEntries(ConfigSchema.Of<AccessPolicyOptions>(("BasicAuth", ConfigSchema.Of<BasicAuthOptions>()))));
        services.AddConfigSchema(RateLimitOptions.SectionName, ConfigSchema.NamedEntries(ConfigSchema.Of<RateLimitOptions>()));

        // Ours before AddAuthorization's TryAdd of the defaults.
        services.TryAddSingleton<IAuthorizationPolicyProvider, AccessPolicyProvider>();
        services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, AccessPolicyHandler>());
        services.AddAuthorization();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HtpasswdWatcher>());
        services.AddStatusSection<AccessControlStatusSection>();
        services.AddMetricsPublisher<AccessControlMetrics>();
        return services;
    }

    /// <summary>Rate limits, then access policies; after routing (which is after the client-IP middleware).</summary>
    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app)
    {
        app.UseMiddleware<ClientRateLimitMiddleware>();
        app.UseAuthorization();
        return app;
    }
}
