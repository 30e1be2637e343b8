using EdgeProxy.Middleware.Hsts;
using EdgeProxy.Middleware.HttpsRedirect;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Https;

public static class HttpsPolicyExtensions
{
    /// <summary>HSTS (<c>EdgeProxy:Hsts</c>) and the plain-HTTP redirect (<c>EdgeProxy:HttpsRedirect</c>, <c>HttpsPort</c>, <c>AcmeChallengeOverHttp</c>).</summary>
    public static IServiceCollection AddHttpsPolicy(this IServiceCollection services)
    {
        services.AddOptions<HstsOptions>().BindConfiguration(HstsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HstsOptions>, HstsOptionsValidator>();
        services.AddOptions<HttpsRedirectOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var section = configuration.GetSection("EdgeProxy");
                options.Enabled = section.GetValue("HttpsRedirect", true);
                options.HttpsPort = section.GetValue<int?>("HttpsPort");
                options.AcmeChallengeOverHttp = section.GetValue("AcmeChallengeOverHttp", false);
            })
            .Validate(o => o.HttpsPort is null or > 0 and <= 65535, "EdgeProxy:HttpsPort must be a port number (1-65535)")
            .ValidateOnStart();
        return services;
    }

    private sealed class HstsOptionsValidator : IValidateOptions<HstsOptions>
    {
        public ValidateOptionsResult Validate(string? name, HstsOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
