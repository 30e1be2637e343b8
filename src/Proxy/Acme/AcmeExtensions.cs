using EdgeProxy.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

internal static class AcmeExtensions
{
    /// <summary>Certificates from an ACME CA (<c>EdgeProxy:Acme</c>): ordered, stored, renewed and served by SNI.</summary>
    public static IServiceCollection AddAcmeCertificates(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(AcmeCertificateManager)))
        {
            return services;
        }

        services.AddOptions<AcmeOptions>().BindConfiguration(AcmeOptions.SectionName).ValidateOnStart();
        services.AddConfigSchema(AcmeOptions.SectionName, ConfigSchema.Of<AcmeOptions>(
            ("Dns01", ConfigSchema.Of<AcmeDns01Options>()),
            ("Certificates", ConfigSchema.NamedEntries(ConfigSchema.Of<AcmeCertificateOptions>()))));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AcmeOptions>, AcmeOptionsValidator>());
        services.TryAddSingleton(sp => new AcmeStorage(sp.GetRequiredService<DataDirectory>().Resolve("acme")));
        services.TryAddSingleton<AcmeChallenges>();
        services.TryAddSingleton<AcmeClientFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAcmeChallengeResponder, Http01Responder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAcmeChallengeResponder, TlsAlpn01Responder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAcmeChallengeResponder, Dns01Responder>());
        services.TryAddSingleton<CloudflareDnsClient>();
        services.AddHttpClient(CloudflareDnsClient.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(30);
            client.MaxResponseContentBufferSize = 1 << 20;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("EdgeProxy");
        });
        services.AddServerCertificateSource<AcmeCertificateSource>();
        services.TryAddSingleton<AcmeCertificateManager>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AcmeCertificateManager>(sp => sp.GetRequiredService<AcmeCertificateManager>()));
        services.AddHttpClient(AcmeClientFactory.HttpClientName, client =>
            {
                client.Timeout = TimeSpan.FromSeconds(30);
                client.MaxResponseContentBufferSize = 1 << 20;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("EdgeProxy");
            })
            .ConfigurePrimaryHttpMessageHandler(sp => AcmeClientFactory.CreateHandler(
                sp.GetRequiredService<IOptions<AcmeOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddStatusSection<AcmeStatusSection>();
        services.AddMetricsPublisher<AcmeMetrics>();
        services.AddReadinessCheck<AcmeReadinessCheck>("acme");
        services.AddCheckWarningSource<AcmeDirectoryCheck>();
        return services;
    }

    /// <summary>HTTP-01 answers on every public listener, before the HTTPS redirect and routing.</summary>
    public static IApplicationBuilder UseAcmeHttpChallenges(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<AcmeOptions>>().Value.Enabled ? app.UseMiddleware<AcmeHttpChallengeMiddleware>() : app;
}
