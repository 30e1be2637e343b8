using EdgeProxy.Common;
using EdgeProxy.Middleware.Hsts;
using EdgeProxy.Middleware.HttpsRedirect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Https;

internal static class HttpsPolicyExtensions
{
    public const string HstsSectionName = "EdgeProxy:Hsts";

    /// <summary>HSTS (<c>EdgeProxy:Hsts</c>) and the plain-HTTP redirect (<c>EdgeProxy:HttpsRedirect</c>, <c>HttpsPort</c>, <c>AcmeChallengeOverHttp</c>).</summary>
    public static IServiceCollection AddHttpsPolicy(this IServiceCollection services)
    {
        services.AddStrictTransportSecurity();
        services.AddOptions<HstsOptions>().BindConfiguration(HstsSectionName).ValidateOnStart();
        services.AddConfigSchema(HstsSectionName, ConfigSchema.Of<HstsOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HstsOptions>, HstsOptionsValidator>());
        services.AddHttpsRedirect();
        services.AddOptions<HttpsRedirectOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                // Flat keys under EdgeProxy, not a section: "HttpsRedirect": false reads best in the file.
                var section = configuration.GetSection("EdgeProxy");
                options.Enabled = section.GetValue("HttpsRedirect", true);
                options.HttpsPort = section.GetValue<int?>("HttpsPort");
                options.AcmeChallengeOverHttp = section.GetValue("AcmeChallengeOverHttp", false);
            })
            .ValidateOnStart();
        services.AddConfigSchema("EdgeProxy", ConfigSchema.Object(("HttpsRedirect", ConfigSchema.Boolean), ("HttpsPort", ConfigSchema.Value), ("AcmeChallengeOverHttp", ConfigSchema.Boolean)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpsRedirectOptions>, HttpsRedirectOptionsValidator>());
        return services;
    }
}
